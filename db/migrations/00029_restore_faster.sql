-- Restore counts: the same snapshot for less work after its COPY (issue 15,
-- speed goals). Storage, rules and results are 00022's; only the two
-- functions change.
--
-- - The staged table is created with restore_counts' NOT NULLs and CHECKs
--   and the snapshot's bound already in place, so each row is checked as
--   COPY writes it (recovery.ImportCounts COPYs WITH FREEZE: the table is
--   the transaction's own), instead of by a full pass afterwards (ALTER
--   TABLE ... SET NOT NULL, ADD CONSTRAINT). The bound still lets ATTACH
--   skip its scan.
-- - Whether the snapshot is small enough for the default partition is read
--   from this transaction's insert count of the staged table
--   (pg_stat_get_xact_tuples_inserted) instead of a count(*) pass. Either
--   way is correct; the count recorded is still the totals pass's own.
-- - The passes over a snapshot's own table read it whole, with no
--   "snapshot_id = N" (its bound holds that): with that condition and no
--   statistics yet, the planner walked the new key as a bitmap scan of
--   every row instead of a parallel sequential scan (3.8 s instead of 1.3 s
--   for 1.5M rows). The totals pass now runs before the key is built.
-- - Merchants still short are counted by hashing, not count(DISTINCT)
--   (which sorts), after the call list's index and ANALYZE, so that the
--   planner may read them from that index; ANALYZE samples 3,000 rows, not
--   30,000.
-- - A snapshot's own partition is keyed on (merchant_id, domain) and its
--   call list on (domain, expected - restored, merchant_id), without the
--   snapshot_id column that is the same in every row of it: those sort
--   faster (the first column tells rows apart). The parent has no index of
--   its own any more; the default partition, which holds many small
--   snapshots, keeps the snapshot_id first. Lookups by snapshot prune to
--   one partition and use its indexes as before.
-- - The commit leaves the time of each of its phases, in seconds, in the
--   session setting warroom.restore_phases (JSON) for the bench to print.

-- +goose Up

DROP INDEX restore_counts_key, restore_counts_short;
CREATE UNIQUE INDEX restore_counts_default_key ON restore_counts_default (snapshot_id, merchant_id, domain);
CREATE INDEX restore_counts_default_short ON restore_counts_default (snapshot_id, domain, (expected - restored) DESC, merchant_id)
    WHERE restored < expected;
-- +goose StatementBegin
DO $$
DECLARE
    p text;
BEGIN
    FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'public.restore_counts'::regclass AND c.relname <> 'restore_counts_default' ORDER BY 1 LOOP
        EXECUTE format('CREATE UNIQUE INDEX %I ON public.%I (merchant_id, domain)', p || '_key', p);
        EXECUTE format('CREATE INDEX %I ON public.%I (domain, (expected - restored) DESC, merchant_id) WHERE restored < expected',
                       p || '_short', p);
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_restore_stage(p_incident bigint, p_file text, p_sha text, p_taken timestamptz)
RETURNS TABLE (snapshot_id bigint, part text, imported_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s restore_snapshots;
BEGIN
    PERFORM warroom_restore_writer();
    PERFORM pg_advisory_xact_lock(hashtext('warroom_restore'), p_incident::integer);
    PERFORM 1 FROM incidents WHERE id = p_incident FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % does not exist', p_incident USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT * INTO s FROM restore_snapshots r WHERE r.incident_id = p_incident AND r.sha256 = p_sha;
    IF FOUND THEN
        snapshot_id := s.id; imported_at := s.imported_at;
        RETURN NEXT;
        RETURN;
    END IF;
    INSERT INTO restore_snapshots (incident_id, file_name, sha256, taken_at, imported_by)
    VALUES (p_incident, p_file, p_sha, COALESCE(p_taken, now()), warroom_actor()) RETURNING * INTO s;
    part := 'restore_counts_s' || s.id;
    -- The parent's NOT NULLs and CHECKs (same names: ATTACH wants them),
    -- and the bound, on the empty table: COPY checks each row as it goes.
    EXECUTE format('CREATE TABLE public.%I (LIKE public.restore_counts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format('ALTER TABLE public.%I ALTER snapshot_id SET DEFAULT %s, ALTER incident_id SET DEFAULT %s, '
                   'ALTER from_snapshot SET DEFAULT %s, ALTER at SET DEFAULT %L, '
                   'ADD CONSTRAINT %I CHECK (snapshot_id = %s AND incident_id = %s)',
                   part, s.id, p_incident, s.id, s.taken_at, part || '_bound', s.id, p_incident);
    EXECUTE format('GRANT INSERT ON public.%I TO %I', part, session_user);
    snapshot_id := s.id; imported_at := s.imported_at;
    RETURN NEXT;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean) RETURNS restore_snapshots
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET work_mem = '256MB' SET maintenance_work_mem = '512MB'
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
DECLARE
    s      restore_snapshots;
    part   text := 'restore_counts_s' || p_snapshot;
    rel    regclass;
    prev   bigint;
    d      record;
    n      bigint;
    body   jsonb;
    lo     bigint;
    hi     bigint;
    carry  bigint := 0;
    moved  boolean := false;
    sums   restore_totals[];
    newest timestamptz;
    total  bigint;
    tgt    text;
    dig    numeric;
    nd     bigint;
    ncounts bigint;
    nkeys  bigint;
    per    bigint;
    shortrows bigint;
    m_total bigint;
    m_complete bigint;
    detail text;
    scan   text;
    phases jsonb := '{}';
    t      timestamptz := clock_timestamp();
BEGIN
    PERFORM warroom_restore_writer();
    SELECT * INTO s FROM restore_snapshots WHERE id = p_snapshot FOR UPDATE;
    rel := to_regclass(format('public.%I', part));
    -- Only a table this transaction staged.
    IF NOT FOUND OR s.committed OR rel IS NULL
       OR (SELECT xmin FROM pg_class WHERE oid = rel) <> pg_current_xact_id()::xid THEN
        RAISE EXCEPTION 'no restore counts staged as snapshot % in this transaction', p_snapshot
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    EXECUTE format('REVOKE INSERT ON public.%I FROM %I', part, session_user);

    -- The rows this transaction put in the staged table (it was created in
    -- it, so these are all its rows): only to choose where they go.
    IF pg_stat_get_xact_tuples_inserted(rel) < warroom_restore_small_rows() THEN
        -- A small snapshot joins the default partition: cheaper than the
        -- DDL of a partition of its own. The parent's triggers audit it.
        BEGIN
            EXECUTE format('INSERT INTO restore_counts (snapshot_id, incident_id, merchant_id, domain, expected, restored, at, from_snapshot)
                            SELECT snapshot_id, incident_id, merchant_id, domain, expected, restored, at, from_snapshot
                            FROM public.%I', part);
        EXCEPTION WHEN unique_violation THEN
            GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
            RAISE EXCEPTION 'a merchant is counted twice for one domain'
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'restore_counts_key', DETAIL = detail;
        END;
        EXECUTE format('DROP TABLE public.%I', part);
        tgt := 'public.restore_counts';
        phases := phases || jsonb_build_object('insert', extract(epoch FROM clock_timestamp() - t));
        scan := format('public.restore_counts x WHERE x.snapshot_id = %s', p_snapshot);
    ELSE
        tgt := format('public.%I', part);
        -- Every row of the table is the snapshot's (its bound says so):
        -- the passes below read it whole, without a condition an index
        -- could tempt the planner with (the table has no statistics yet).
        scan := tgt || ' x WHERE true';
    END IF;
    t := clock_timestamp();

    SELECT max(id) INTO prev FROM restore_snapshots WHERE incident_id = s.incident_id AND committed AND id < p_snapshot;
    -- One pass: the totals per domain, and the audit digest of the rows
    -- (the sum of the same row hashes warroom_audit_rows_sql sums).
    EXECUTE format($q$
        SELECT array_agg(ROW(%1$s::bigint, %2$s::bigint, g.domain, g.n, g.e, g.r, g.sh, g.ks, g.asof)::restore_totals ORDER BY g.domain),
               COALESCE(sum(g.n), 0)::bigint, COALESCE(sum(g.dig), 0), max(g.asof)
        FROM (SELECT x.domain, count(*) AS n, COALESCE(sum(x.expected), 0)::bigint AS e,
                     COALESCE(sum(x.restored), 0)::bigint AS r, count(*) FILTER (WHERE x.restored < x.expected) AS sh,
                     COALESCE(sum(hashtext(x.merchant_id)), 0)::bigint AS ks, max(x.at) AS asof,
                     sum(pg_catalog.hash_record_extended(x, 0::bigint)) AS dig
              FROM %3$s GROUP BY x.domain) g$q$, p_snapshot, s.incident_id, scan)
        INTO sums, n, dig, newest;
    phases := phases || jsonb_build_object('sums', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();
    IF tgt <> 'public.restore_counts' THEN
        -- The key: a merchant named twice for one domain fails it.
        BEGIN
            EXECUTE format('CREATE UNIQUE INDEX %I ON public.%I (merchant_id, domain)', part || '_key', part);
        EXCEPTION WHEN unique_violation THEN
            GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
            RAISE EXCEPTION 'a merchant is counted twice for one domain'
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'restore_counts_key', DETAIL = detail;
        END;
        phases := phases || jsonb_build_object('key', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
    END IF;
    -- The previous snapshot's rows for merchants and domains this one does
    -- not name. Per domain: none when the key sets match, all of a domain
    -- this file leaves out, otherwise those missing here.
    IF prev IS NOT NULL THEN
        FOR d IN SELECT o.domain, o.merchants, o.keysum, x.merchants AS new_merchants, x.keysum AS new_keysum
                 FROM restore_totals o LEFT JOIN unnest(sums) x ON x.domain = o.domain
                 WHERE o.snapshot_id = prev ORDER BY o.domain LOOP
            IF d.new_merchants IS NULL THEN
                EXECUTE format('INSERT INTO %s (snapshot_id, incident_id, merchant_id, domain, expected, restored, at, from_snapshot)
                                SELECT %s, incident_id, merchant_id, domain, expected, restored, at, from_snapshot
                                FROM restore_counts WHERE snapshot_id = %s AND domain = %L', tgt, p_snapshot, prev, d.domain);
            ELSIF d.new_merchants <> d.merchants OR d.new_keysum <> d.keysum THEN
                EXECUTE format('INSERT INTO %s (snapshot_id, incident_id, merchant_id, domain, expected, restored, at, from_snapshot)
                                SELECT %s, o.incident_id, o.merchant_id, o.domain, o.expected, o.restored, o.at, o.from_snapshot
                                FROM restore_counts o WHERE o.snapshot_id = %s AND o.domain = %L
                                  AND NOT EXISTS (SELECT 1 FROM %s x
                                                  WHERE x.snapshot_id = %s AND x.merchant_id = o.merchant_id AND x.domain = o.domain)',
                               tgt, p_snapshot, prev, d.domain, tgt, p_snapshot);
            ELSE
                CONTINUE;
            END IF;
            GET DIAGNOSTICS lo = ROW_COUNT;
            carry := carry + lo;
            moved := moved OR lo > 0;
        END LOOP;
    END IF;
    IF moved THEN
        EXECUTE format($q$
            SELECT array_agg(ROW(%1$s::bigint, %2$s::bigint, g.domain, g.n, g.e, g.r, g.sh, g.ks, g.asof)::restore_totals ORDER BY g.domain)
            FROM (SELECT x.domain, count(*) AS n, COALESCE(sum(x.expected), 0)::bigint AS e,
                         COALESCE(sum(x.restored), 0)::bigint AS r, count(*) FILTER (WHERE x.restored < x.expected) AS sh,
                         COALESCE(sum(hashtext(x.merchant_id)), 0)::bigint AS ks, max(x.at) AS asof
                  FROM %3$s GROUP BY x.domain) g$q$, p_snapshot, s.incident_id, scan)
            INTO sums;
        phases := phases || jsonb_build_object('carry', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
    END IF;

    IF tgt <> 'public.restore_counts' THEN
        EXECUTE format('CREATE INDEX %I ON public.%I (domain, (expected - restored) DESC, merchant_id)
                        WHERE restored < expected', part || '_short', part);
        phases := phases || jsonb_build_object('call_list_index', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
        EXECUTE format('ALTER TABLE restore_counts ATTACH PARTITION public.%I FOR VALUES IN (%s)', part, p_snapshot);
        PERFORM warroom_protect_table(rel, ARRAY[]::text[]);
        phases := phases || jsonb_build_object('attach', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
        -- A sample of 3,000 rows instead of 30,000: the queries on a
        -- snapshot are key lookups and the call list's index, and
        -- autovacuum analyses it again in full later.
        detail := current_setting('default_statistics_target');
        PERFORM set_config('default_statistics_target', '10', true);
        EXECUTE format('ANALYZE public.%I', part);
        PERFORM set_config('default_statistics_target', detail, true);
        phases := phases || jsonb_build_object('analyze', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
        -- What the parent's audit_insert and notify_insert would have
        -- written: the digest from the pass above unless rows were carried
        -- since, or so few that the entry lists them.
        IF moved OR n <= warroom_audit_detail_rows() THEN
            EXECUTE warroom_audit_rows_sql(format('public.%I', part), 'NULL::bigint') INTO total, lo, hi, body;
        ELSE
            total := n;
            body := jsonb_build_object('rows', n, 'digest', 'sum-hash64:' || dig::text);
        END IF;
        IF total > 0 THEN
            PERFORM warroom_audit_entry('restore_counts', 'INSERT', s.incident_id, total, NULL, body);
            PERFORM warroom_notify_rows('restore_counts', 'INSERT', s.incident_id, total);
        END IF;
        phases := phases || jsonb_build_object('audit', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
    END IF;

    -- Merchants, and those with every domain restored. When every domain
    -- names the same merchants (same count and key fingerprint: a census),
    -- that count is the merchants, and only the rows still short are read;
    -- otherwise every row, grouped by merchant. (After the call list's
    -- index and ANALYZE: the short rows are then read from that index.)
    SELECT count(*), count(DISTINCT x.merchants), count(DISTINCT x.keysum), min(x.merchants), COALESCE(sum(x.short), 0)
    INTO nd, ncounts, nkeys, per, shortrows FROM unnest(sums) x;
    IF nd = 0 THEN
        m_total := 0; m_complete := 0;
    ELSIF ncounts = 1 AND nkeys = 1 THEN
        m_total := per; m_complete := per;
        IF shortrows > 0 THEN
            -- Hashed, not count(DISTINCT), which sorts.
            EXECUTE format('SELECT count(*) FROM (SELECT x.merchant_id FROM %s AND x.restored < x.expected GROUP BY x.merchant_id) m', scan)
                INTO lo;
            m_complete := per - lo;
        END IF;
    ELSE
        EXECUTE format('SELECT count(*), count(*) FILTER (WHERE NOT m.short)
                        FROM (SELECT x.merchant_id, bool_or(x.restored < x.expected) AS short FROM %s GROUP BY x.merchant_id) m', scan)
            INTO m_total, m_complete;
    END IF;
    phases := phases || jsonb_build_object('merchants_complete', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();

    INSERT INTO restore_totals SELECT * FROM unnest(sums);

    UPDATE restore_snapshots r SET rows = n, carried = carry, committed = true,
        merchants = m_total, merchants_complete = m_complete,
        taken_at = CASE WHEN p_taken_from_rows THEN COALESCE(newest, r.taken_at) ELSE r.taken_at END
    WHERE r.id = p_snapshot
    RETURNING r.* INTO s;
    -- Not LOCAL: a SET clause's level would undo it at the function's exit.
    PERFORM set_config('warroom.restore_phases', phases::text, false);
    RETURN s;
END $$;
-- +goose StatementEnd

-- +goose Down
-- The parent's indexes again (CREATE INDEX on it builds each partition's).
-- +goose StatementBegin
DO $$
DECLARE
    p text;
BEGIN
    FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'public.restore_counts'::regclass ORDER BY 1 LOOP
        EXECUTE format('DROP INDEX IF EXISTS public.%I, public.%I', p || '_key', p || '_short');
    END LOOP;
END $$;
-- +goose StatementEnd
CREATE UNIQUE INDEX restore_counts_key ON restore_counts (snapshot_id, merchant_id, domain);
CREATE INDEX restore_counts_short ON restore_counts (snapshot_id, domain, (expected - restored) DESC, merchant_id)
    WHERE restored < expected;
-- 00022's two functions again.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_restore_stage(p_incident bigint, p_file text, p_sha text, p_taken timestamptz)
RETURNS TABLE (snapshot_id bigint, part text, imported_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s restore_snapshots;
BEGIN
    PERFORM warroom_restore_writer();
    PERFORM pg_advisory_xact_lock(hashtext('warroom_restore'), p_incident::integer);
    PERFORM 1 FROM incidents WHERE id = p_incident FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % does not exist', p_incident USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT * INTO s FROM restore_snapshots r WHERE r.incident_id = p_incident AND r.sha256 = p_sha;
    IF FOUND THEN
        snapshot_id := s.id; imported_at := s.imported_at;
        RETURN NEXT;
        RETURN;
    END IF;
    INSERT INTO restore_snapshots (incident_id, file_name, sha256, taken_at, imported_by)
    VALUES (p_incident, p_file, p_sha, COALESCE(p_taken, now()), warroom_actor()) RETURNING * INTO s;
    part := 'restore_counts_s' || s.id;
    EXECUTE format('CREATE TABLE public.%I (LIKE public.restore_counts INCLUDING DEFAULTS)', part);
    EXECUTE format('ALTER TABLE public.%I ALTER snapshot_id SET DEFAULT %s, ALTER incident_id SET DEFAULT %s, '
                   'ALTER from_snapshot SET DEFAULT %s, ALTER at SET DEFAULT %L',
                   part, s.id, p_incident, s.id, s.taken_at);
    EXECUTE format('GRANT INSERT ON public.%I TO %I', part, session_user);
    snapshot_id := s.id; imported_at := s.imported_at;
    RETURN NEXT;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean) RETURNS restore_snapshots
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET work_mem = '256MB' SET maintenance_work_mem = '512MB'
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
DECLARE
    s      restore_snapshots;
    part   text := 'restore_counts_s' || p_snapshot;
    prev   bigint;
    alter_ text;
    d      record;
    n      bigint;
    body   jsonb;
    lo     bigint;
    hi     bigint;
    carry  bigint := 0;
    moved  boolean := false;
    sums   restore_totals[];
    newest timestamptz;
    total  bigint;
    tgt    text;
    dig    numeric;
    nd     bigint;
    ncounts bigint;
    nkeys  bigint;
    per    bigint;
    shortrows bigint;
    m_total bigint;
    m_complete bigint;
BEGIN
    PERFORM warroom_restore_writer();
    SELECT * INTO s FROM restore_snapshots WHERE id = p_snapshot FOR UPDATE;
    -- Only a table this transaction staged.
    IF NOT FOUND OR s.committed OR to_regclass(format('public.%I', part)) IS NULL
       OR (SELECT xmin FROM pg_class WHERE oid = to_regclass(format('public.%I', part))) <> pg_current_xact_id()::xid THEN
        RAISE EXCEPTION 'no restore counts staged as snapshot % in this transaction', p_snapshot
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    EXECUTE format('REVOKE INSERT ON public.%I FROM %I', part, session_user);

    EXECUTE format('SELECT count(*) FROM public.%I', part) INTO n;
    IF n < warroom_restore_small_rows() THEN
        -- A small snapshot joins the default partition: cheaper than the
        -- DDL of a partition of its own. The parent's triggers audit it.
        BEGIN
            EXECUTE format('INSERT INTO restore_counts (snapshot_id, incident_id, merchant_id, domain, expected, restored, at, from_snapshot)
                            SELECT snapshot_id, incident_id, merchant_id, domain, expected, restored, at, from_snapshot
                            FROM public.%I', part);
        EXCEPTION WHEN unique_violation THEN
            GET STACKED DIAGNOSTICS alter_ = PG_EXCEPTION_DETAIL;
            RAISE EXCEPTION 'a merchant is counted twice for one domain'
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'restore_counts_key', DETAIL = alter_;
        END;
        EXECUTE format('DROP TABLE public.%I', part);
        tgt := 'public.restore_counts';
    ELSE
        -- The parent's NOT NULLs and CHECKs in one pass, the bound as a CHECK.
        SELECT string_agg(format('ALTER %I SET NOT NULL', a.attname), ', ' ORDER BY a.attnum) INTO alter_
        FROM pg_attribute a WHERE a.attrelid = 'restore_counts'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull;
        SELECT alter_ || COALESCE(', ' || string_agg(format('ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)),
                                                       ', ' ORDER BY c.conname), '')
        INTO alter_ FROM pg_constraint c WHERE c.conrelid = 'restore_counts'::regclass AND c.contype = 'c';
        EXECUTE format('ALTER TABLE public.%I %s, ADD CONSTRAINT %I CHECK (snapshot_id = %s AND incident_id = %s)',
                       part, alter_, part || '_bound', p_snapshot, s.incident_id);
        BEGIN
            EXECUTE format('CREATE UNIQUE INDEX %I ON public.%I (snapshot_id, merchant_id, domain)', part || '_key', part);
        EXCEPTION WHEN unique_violation THEN
            GET STACKED DIAGNOSTICS alter_ = PG_EXCEPTION_DETAIL;
            RAISE EXCEPTION 'a merchant is counted twice for one domain'
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'restore_counts_key', DETAIL = alter_;
        END;
        tgt := format('public.%I', part);
    END IF;

    -- The previous snapshot's rows for merchants and domains this one does
    -- not name. Per domain: none when the key sets match, all of a domain
    -- this file leaves out, otherwise those missing here.
    SELECT max(id) INTO prev FROM restore_snapshots WHERE incident_id = s.incident_id AND committed AND id < p_snapshot;
    -- One pass: the totals per domain, and the audit digest of the rows
    -- (the sum of the same row hashes warroom_audit_rows_sql sums).
    EXECUTE format($q$
        SELECT array_agg(ROW(%1$s::bigint, %2$s::bigint, g.domain, g.n, g.e, g.r, g.sh, g.ks, g.asof)::restore_totals ORDER BY g.domain),
               COALESCE(sum(g.n), 0)::bigint, COALESCE(sum(g.dig), 0), max(g.asof)
        FROM (SELECT x.domain, count(*) AS n, COALESCE(sum(x.expected), 0)::bigint AS e,
                     COALESCE(sum(x.restored), 0)::bigint AS r, count(*) FILTER (WHERE x.restored < x.expected) AS sh,
                     COALESCE(sum(hashtext(x.merchant_id)), 0)::bigint AS ks, max(x.at) AS asof,
                     sum(pg_catalog.hash_record_extended(x, 0::bigint)) AS dig
              FROM %3$s x WHERE x.snapshot_id = %1$s GROUP BY x.domain) g$q$, p_snapshot, s.incident_id, tgt)
        INTO sums, n, dig, newest;
    IF prev IS NOT NULL THEN
        FOR d IN SELECT o.domain, o.merchants, o.keysum, x.merchants AS new_merchants, x.keysum AS new_keysum
                 FROM restore_totals o LEFT JOIN unnest(sums) x ON x.domain = o.domain
                 WHERE o.snapshot_id = prev ORDER BY o.domain LOOP
            IF d.new_merchants IS NULL THEN
                EXECUTE format('INSERT INTO %s (snapshot_id, incident_id, merchant_id, domain, expected, restored, at, from_snapshot)
                                SELECT %s, incident_id, merchant_id, domain, expected, restored, at, from_snapshot
                                FROM restore_counts WHERE snapshot_id = %s AND domain = %L', tgt, p_snapshot, prev, d.domain);
            ELSIF d.new_merchants <> d.merchants OR d.new_keysum <> d.keysum THEN
                EXECUTE format('INSERT INTO %s (snapshot_id, incident_id, merchant_id, domain, expected, restored, at, from_snapshot)
                                SELECT %s, o.incident_id, o.merchant_id, o.domain, o.expected, o.restored, o.at, o.from_snapshot
                                FROM restore_counts o WHERE o.snapshot_id = %s AND o.domain = %L
                                  AND NOT EXISTS (SELECT 1 FROM %s x
                                                  WHERE x.snapshot_id = %s AND x.merchant_id = o.merchant_id AND x.domain = o.domain)',
                               tgt, p_snapshot, prev, d.domain, tgt, p_snapshot);
            ELSE
                CONTINUE;
            END IF;
            GET DIAGNOSTICS lo = ROW_COUNT;
            carry := carry + lo;
            moved := moved OR lo > 0;
        END LOOP;
    END IF;
    IF moved THEN
        SELECT array_agg(t) INTO sums FROM warroom_restore_sums(tgt, p_snapshot, s.incident_id) t;
    END IF;

    IF tgt <> 'public.restore_counts' THEN
        EXECUTE format('CREATE INDEX %I ON public.%I (snapshot_id, domain, (expected - restored) DESC, merchant_id)
                        WHERE restored < expected', part || '_short', part);
        EXECUTE format('ALTER TABLE restore_counts ATTACH PARTITION public.%I FOR VALUES IN (%s)', part, p_snapshot);
        PERFORM warroom_protect_table(format('public.%I', part)::regclass, ARRAY[]::text[]);
        EXECUTE format('ANALYZE public.%I', part);
        -- What the parent's audit_insert and notify_insert would have
        -- written: the digest from the pass above unless rows were carried
        -- since, or so few that the entry lists them.
        IF moved OR n <= warroom_audit_detail_rows() THEN
            EXECUTE warroom_audit_rows_sql(format('public.%I', part), 'NULL::bigint') INTO total, lo, hi, body;
        ELSE
            total := n;
            body := jsonb_build_object('rows', n, 'digest', 'sum-hash64:' || dig::text);
        END IF;
        IF total > 0 THEN
            PERFORM warroom_audit_entry('restore_counts', 'INSERT', s.incident_id, total, NULL, body);
            PERFORM warroom_notify_rows('restore_counts', 'INSERT', s.incident_id, total);
        END IF;
    END IF;

    INSERT INTO restore_totals SELECT * FROM unnest(sums);

    -- Merchants, and those with every domain restored. When every domain
    -- names the same merchants (same count and key fingerprint: a census),
    -- that count is the merchants, and only the rows still short are read;
    -- otherwise every row, grouped by merchant.
    SELECT count(*), count(DISTINCT t.merchants), count(DISTINCT t.keysum), min(t.merchants), COALESCE(sum(t.short), 0)
    INTO nd, ncounts, nkeys, per, shortrows FROM unnest(sums) t;
    IF nd = 0 THEN
        m_total := 0; m_complete := 0;
    ELSIF ncounts = 1 AND nkeys = 1 THEN
        m_total := per; m_complete := per;
        IF shortrows > 0 THEN
            EXECUTE format('SELECT count(DISTINCT merchant_id) FROM %s WHERE snapshot_id = %s AND restored < expected', tgt, p_snapshot)
                INTO lo;
            m_complete := per - lo;
        END IF;
    ELSE
        SELECT count(*), count(*) FILTER (WHERE NOT m.short) INTO m_total, m_complete
        FROM (SELECT c.merchant_id, bool_or(c.restored < c.expected) AS short
              FROM restore_counts c WHERE c.snapshot_id = p_snapshot GROUP BY c.merchant_id) m;
    END IF;
    UPDATE restore_snapshots r SET rows = n, carried = carry, committed = true,
        merchants = m_total, merchants_complete = m_complete,
        taken_at = CASE WHEN p_taken_from_rows THEN COALESCE(newest, r.taken_at) ELSE r.taken_at END
    WHERE r.id = p_snapshot
    RETURNING r.* INTO s;
    RETURN s;
END $$;
-- +goose StatementEnd
