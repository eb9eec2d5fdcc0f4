-- Restore counts: one table per snapshot, a column per count (issue 15,
-- speed goals).
--
-- 00031 kept a snapshot's rows as a partition of restore_counts, each
-- merchant's counts in bigint arrays by domain position. At 3M merchants x
-- 5 domains the COPY spent most of its time in array_in (the same 3M rows
-- COPY in 2.7-2.9 s as plain columns, 4.4-6.3 s as arrays), and the pass
-- over the rows took 2.4 s to read the array elements where plain sums of
-- columns take 0.8 s; that pass also summed the audit digest, about as
-- costly as the totals and checks together, which is now the audit's own
-- statement as for every other bulk load. A snapshot is now a table of its own,
-- restore_counts_s<id>, not a partition (partitions share their columns):
--
--   merchant_id        the key (unique index restore_counts_s<id>_key)
--   e<i>, r<i>         expected and restored in restore_snapshots.domains[i];
--                      both NULL: the merchant is not counted there
--   a<i>               NULL: as of the snapshot's taken_at
--   f<i>               NULL: counted by this snapshot; else the snapshot
--                      that did (carried)
--
-- Once committed, every domain position has its four columns. The
-- importing login may insert merchant_id, e, r and a (column privileges,
-- until the commit revokes them), never f. The rules a plain-SQL client
-- must not get past (0 <= restored <= expected, both or neither, a time
-- only beside a count and in years 1 to 9999, at least one domain counted,
-- a merchant id, as many positions as domains named, at least one count)
-- are checked by warroom_restore_commit's single pass, which raises naming
-- a merchant that breaks them (restore_counts_check); a snapshot staged
-- and not committed fails its transaction's commit. A committed snapshot's
-- table is readable by every role and writable by none (audit and
-- no-delete triggers, as every warroom table). Its audit entry and change
-- notification keep the name restore_counts.
--
-- Readers go through warroom_restore_merchant and warroom_restore_short,
-- which name the snapshot's table. Existing snapshots are converted.

-- +goose Up

-- +goose StatementBegin
-- The number of domain positions a snapshot's table has columns for.
CREATE FUNCTION warroom_restore_width(rel regclass) RETURNS int LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT count(*)::int FROM pg_attribute a
    WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attname ~ '^e[0-9]+$'
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Columns for domain positions up to n: e and r, a when with_at, f when
-- with_f; those the table has already are left. Added empty, they cost no
-- rewrite.
CREATE FUNCTION warroom_restore_add_columns(rel regclass, n int, with_at boolean, with_f boolean) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    adds text;
BEGIN
    SELECT string_agg(format('ADD COLUMN %I %s', c.name, c.type), ', ' ORDER BY i, c.k) INTO adds
    FROM generate_series(1, n) i
    CROSS JOIN LATERAL (VALUES (1, 'e' || i, 'bigint', true), (2, 'r' || i, 'bigint', true),
                               (3, 'a' || i, 'timestamptz', with_at), (4, 'f' || i, 'bigint', with_f)) c(k, name, type, wanted)
    WHERE c.wanted AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = c.name AND NOT a.attisdropped);
    IF adds IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %s %s', rel, adds);
    END IF;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The table of the snapshot staged in this transaction, whose row is
-- locked: the table must be this transaction's own.
CREATE FUNCTION warroom_restore_staged(p_snapshot bigint) RETURNS regclass
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s   restore_snapshots;
    rel regclass;
BEGIN
    SELECT * INTO s FROM restore_snapshots WHERE id = p_snapshot FOR UPDATE;
    rel := to_regclass(format('public.%I', 'restore_counts_s' || p_snapshot));
    IF NOT FOUND OR s.committed OR rel IS NULL
       OR (SELECT xmin FROM pg_class WHERE oid = rel) <> pg_current_xact_id()::xid THEN
        RAISE EXCEPTION 'no restore counts staged as snapshot % in this transaction', p_snapshot
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN rel;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Step one: the snapshot (or, when the same file was imported before, that
-- one, with part NULL) and its table, merchant_id only until the importer
-- names how many domains it counts (warroom_restore_widen).
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
    EXECUTE format('CREATE TABLE public.%I (merchant_id text COLLATE "C" NOT NULL)', part);
    EXECUTE format('GRANT INSERT (merchant_id) ON public.%I TO %I', part, session_user);
    snapshot_id := s.id; imported_at := s.imported_at;
    RETURN NEXT;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Columns for p_domains domain positions in the staged table, which the
-- importing login may then fill: e and r, and a when p_with_at (a file
-- with times). A file naming a new domain halfway widens it again between
-- two COPYs. The commit adds the other columns (a, and f, the carry's),
-- empty: the COPY then writes rows with no NULLs to spell out (3M rows x
-- 5 domains: 2.4-2.8 s, against 2.9-3.0 s with the twenty columns).
CREATE FUNCTION warroom_restore_widen(p_snapshot bigint, p_domains int, p_with_at boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    rel regclass;
    have int;
BEGIN
    PERFORM warroom_restore_writer();
    rel := warroom_restore_staged(p_snapshot);
    IF p_domains IS NULL OR p_domains < 1 OR p_with_at IS NULL THEN
        RAISE EXCEPTION 'restore domains: % positions, with times %: want 1 or more, and true or false', p_domains, p_with_at
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM warroom_restore_domain_limit(array_fill(''::text, ARRAY[p_domains]));
    have := warroom_restore_width(rel);
    PERFORM warroom_restore_add_columns(rel, p_domains, p_with_at, false);
    IF p_domains > have THEN
        EXECUTE format('GRANT INSERT (%s) ON %s TO %I',
            (SELECT string_agg(CASE WHEN p_with_at THEN format('e%1$s, r%1$s, a%1$s', i) ELSE format('e%1$s, r%1$s', i) END, ', ')
             FROM generate_series(have + 1, p_domains) i),
            rel, session_user);
    END IF;
END $$;
-- +goose StatementEnd

-- 00031's pass also summed the audit digest; it is now the audit's own
-- statement (warroom_audit_rows_sql, as for every bulk load), which takes
-- about as long as the totals and checks together.
DROP FUNCTION warroom_restore_totals(text, bigint, bigint, text[], timestamptz, boolean);
-- +goose StatementBegin
-- The one pass over a snapshot's rows in rel: its totals per domain as
-- restore_totals rows, the merchants, those with every count restored,
-- and, when p_check, the smallest merchant id whose row breaks the rules
-- (NULL: none). A count with no time of its own is as of p_taken. Each
-- domain's key fingerprint is the merchants' own unless some merchant is
-- not counted in it; only then a second pass.
CREATE FUNCTION warroom_restore_totals(rel text, p_snapshot bigint, p_incident bigint, p_domains text[], p_taken timestamptz,
    p_check boolean, OUT sums restore_totals[], OUT merchants bigint, OUT complete bigint, OUT bad text)
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    nd   int := cardinality(p_domains);
    cnt  text[] := '{}'; e text[] := '{}'; r text[] := '{}'; sh text[] := '{}'; asof text[] := '{}';
    done text := 'true';
    ok   text := '';
    anye text[] := '{}';
    vcnt bigint[]; ve bigint[]; vr bigint[]; vsh bigint[]; vasof timestamptz[];
    ks   bigint;
    kss  bigint[];
BEGIN
    FOR i IN 1 .. nd LOOP
        cnt := cnt || format('count(x.e%s)', i);
        e := e || format('COALESCE(sum(x.e%s), 0)::bigint', i);
        r := r || format('COALESCE(sum(x.r%s), 0)::bigint', i);
        sh := sh || format('count(*) FILTER (WHERE x.r%1$s < x.e%1$s)', i);
        -- A count without a time of its own is as of p_taken: the latest of
        -- the times given, and p_taken when some count has none (cheaper
        -- than a filtered max over a COALESCE).
        asof := asof || format('CASE WHEN count(x.a%1$s) < count(x.e%1$s) THEN GREATEST(max(x.a%1$s), %2$L::timestamptz) '
                               'ELSE max(x.a%1$s) END', i, p_taken);
        done := done || format(' AND x.r%1$s IS NOT DISTINCT FROM x.e%1$s', i);
        -- A time must be one the readers can hold: not infinity, years 1 to 9999.
        ok := ok || format(' OR x.r%1$s < 0 OR x.r%1$s > x.e%1$s OR (x.e%1$s IS NULL) <> (x.r%1$s IS NULL) '
                           'OR (x.a%1$s IS NOT NULL AND (x.e%1$s IS NULL OR x.a%1$s NOT BETWEEN %2$L AND %3$L))',
                           i, '0001-01-01 00:00:00+00', '9999-12-31 23:59:59+00');
        anye := anye || format('x.e%s', i);
    END LOOP;
    EXECUTE format($q$
        SELECT count(*), count(*) FILTER (WHERE %1$s), COALESCE(sum(hashtext(x.merchant_id)), 0)::bigint, %2$s,
               ARRAY[%3$s]::bigint[], ARRAY[%4$s]::bigint[], ARRAY[%5$s]::bigint[], ARRAY[%6$s]::bigint[], ARRAY[%7$s]::timestamptz[]
        FROM %8$s x$q$,
        done,
        CASE WHEN p_check THEN format('min(x.merchant_id) FILTER (WHERE x.merchant_id = %3$L OR COALESCE(%1$s) IS NULL%2$s)',
                                      COALESCE(NULLIF(array_to_string(anye, ', '), ''), 'NULL::bigint'), ok, '')
             ELSE 'NULL::text' END,
        array_to_string(cnt, ', '), array_to_string(e, ', '), array_to_string(r, ', '), array_to_string(sh, ', '),
        array_to_string(asof, ', '), rel)
    INTO merchants, complete, ks, bad, vcnt, ve, vr, vsh, vasof;
    IF EXISTS (SELECT 1 FROM generate_series(1, nd) i WHERE vcnt[i] > 0 AND vcnt[i] <> merchants) THEN
        EXECUTE format('SELECT ARRAY[%s]::bigint[] FROM %s x',
                       (SELECT string_agg(format('COALESCE(sum(hashtext(x.merchant_id)) FILTER (WHERE x.e%s IS NOT NULL), 0)', i),
                                          ', ' ORDER BY i) FROM generate_series(1, nd) i), rel)
        INTO kss;
    END IF;
    -- A domain the list names but no row counts has no totals.
    sums := ARRAY(SELECT ROW(p_snapshot, p_incident, p_domains[i], vcnt[i], ve[i], vr[i], vsh[i], COALESCE(kss[i], ks), vasof[i])::restore_totals
                  FROM generate_series(1, nd) i WHERE vcnt[i] > 0 ORDER BY i);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The previous snapshot's counts for merchants and domains this one does
-- not name, into the staged table rel (keyed on merchant_id, with columns
-- for every position of p_domains): merged into the rows of merchants it
-- names, new rows for those it does not. p_domains is this snapshot's
-- domain list with the previous one's others appended. Carried counts keep
-- their time and the snapshot that counted them. Returns the rows changed.
CREATE OR REPLACE FUNCTION warroom_restore_carry(rel text, prev restore_snapshots, p_domains text[], p_taken timestamptz) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    j    int;
    src  text := format('public.%I', 'restore_counts_s' || prev.id);
    sets text[] := '{}'; cond text[] := '{}';
    cols text[] := '{}'; vals text[] := '{}';
    a    bigint;
    b    bigint;
BEGIN
    FOR k IN 1 .. cardinality(p_domains) LOOP
        j := array_position(prev.domains, p_domains[k]);
        CONTINUE WHEN j IS NULL;
        sets := sets || format('e%1$s = COALESCE(x.e%1$s, o.e%2$s), '
                               'r%1$s = CASE WHEN x.e%1$s IS NOT NULL THEN x.r%1$s ELSE o.r%2$s END, '
                               'a%1$s = CASE WHEN x.e%1$s IS NOT NULL THEN x.a%1$s WHEN o.e%2$s IS NOT NULL THEN COALESCE(o.a%2$s, %3$L::timestamptz) END, '
                               'f%1$s = CASE WHEN x.e%1$s IS NOT NULL THEN x.f%1$s WHEN o.e%2$s IS NOT NULL THEN COALESCE(o.f%2$s, %4$s) END',
                               k, j, prev.taken_at, prev.id);
        cond := cond || format('(x.e%s IS NULL AND o.e%s IS NOT NULL)', k, j);
        cols := cols || format('e%1$s, r%1$s, a%1$s, f%1$s', k);
        vals := vals || format('o.e%1$s, o.r%1$s, CASE WHEN o.e%1$s IS NOT NULL THEN COALESCE(o.a%1$s, %2$L::timestamptz) END, '
                               'CASE WHEN o.e%1$s IS NOT NULL THEN COALESCE(o.f%1$s, %3$s) END', j, prev.taken_at, prev.id);
    END LOOP;
    IF cardinality(cond) = 0 THEN
        RETURN 0;
    END IF;
    EXECUTE format('UPDATE %1$s x SET %2$s FROM %3$s o WHERE o.merchant_id = x.merchant_id AND (%4$s)',
                   rel, array_to_string(sets, ', '), src, array_to_string(cond, ' OR '));
    GET DIAGNOSTICS a = ROW_COUNT;
    EXECUTE format('INSERT INTO %1$s (merchant_id, %2$s) SELECT o.merchant_id, %3$s FROM %4$s o
                    WHERE NOT EXISTS (SELECT 1 FROM %1$s x WHERE x.merchant_id = o.merchant_id)',
                   rel, array_to_string(cols, ', '), array_to_string(vals, ', '), src);
    GET DIAGNOSTICS b = ROW_COUNT;
    RETURN a + b;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A snapshot's table made permanent: its key (already built), read by
-- every role, written by none, analysed from a sample.
CREATE FUNCTION warroom_restore_seal(rel regclass) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    target text := current_setting('default_statistics_target');
BEGIN
    PERFORM warroom_protect_table(rel, ARRAY[]::text[]);
    -- A sample of 3,000 rows instead of 30,000: the queries on a snapshot
    -- are key lookups and scans; autovacuum analyses it again in full later.
    PERFORM set_config('default_statistics_target', '10', true);
    EXECUTE format('ANALYZE %s', rel);
    PERFORM set_config('default_statistics_target', target, true);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Step two, after the COPY of one row per merchant into the staged table:
-- p_domains names its positions. Checked and totalled in one pass, keyed
-- (a merchant named in two runs of the file is merged; counted twice for
-- one domain, it is a unique violation on restore_counts_key), the
-- previous snapshot's other counts carried, sealed, audited, notified.
-- Returns the snapshot as recorded; rows and carried count (merchant,
-- domain) counts.
CREATE OR REPLACE FUNCTION warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean, p_domains text[]) RETURNS restore_snapshots
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET work_mem = '256MB' SET maintenance_work_mem = '512MB'
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
DECLARE
    s      restore_snapshots;
    prev   restore_snapshots;
    part   text := 'restore_counts_s' || p_snapshot;
    tbl    text;
    rel    regclass;
    doms   text[];
    nd     int;
    n      bigint;
    total  bigint;
    body   jsonb;
    cnt    bigint;
    lo     bigint;
    hi     bigint;
    again  boolean := false;
    sums   restore_totals[];
    own    restore_totals[];
    taken  timestamptz;
    bad    text;
    m_total bigint;
    m_complete bigint;
    dm     text;
    di     int;
    cols   text;
    maxes  text;
    phases jsonb := '{}';
    t      timestamptz := clock_timestamp();
BEGIN
    PERFORM warroom_restore_writer();
    rel := warroom_restore_staged(p_snapshot);
    SELECT * INTO s FROM restore_snapshots WHERE id = p_snapshot;
    -- Column privileges go with the table's.
    EXECUTE format('REVOKE INSERT ON %s FROM %I', rel, session_user);
    tbl := rel::text;
    IF array_ndims(p_domains) > 1 THEN
        RAISE EXCEPTION 'restore domains: a list, not %', p_domains USING ERRCODE = 'invalid_parameter_value';
    END IF;
    doms := ARRAY(SELECT d FROM unnest(COALESCE(p_domains, '{}')) WITH ORDINALITY u(d, i) ORDER BY i);
    IF EXISTS (SELECT 1 FROM unnest(doms) d WHERE d IS NULL OR btrim(d) = '' OR length(d) > 64)
       OR (SELECT count(DISTINCT d) FROM unnest(doms) d) <> cardinality(doms) THEN
        RAISE EXCEPTION 'restore domains %: each named once, not empty, at most 64 characters', doms
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM warroom_restore_domain_limit(doms);
    nd := warroom_restore_width(rel);
    IF nd <> cardinality(doms) THEN
        RAISE EXCEPTION 'restore domains: % named, the staged counts have % positions', cardinality(doms), nd
            USING ERRCODE = 'check_violation';
    END IF;
    -- Every position's four columns, before anything reads or hashes a row.
    PERFORM warroom_restore_add_columns(rel, nd, true, true);

    -- The one pass: the rules, the totals, merchants complete.
    SELECT * INTO own, m_total, m_complete, bad FROM warroom_restore_totals(tbl, p_snapshot, s.incident_id, doms, s.taken_at, true);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'merchant %: each count needs 0 <= restored <= expected, both or neither, a time (years 1 to 9999) only beside a count, a merchant id not empty',
            CASE WHEN bad = '' THEN '(empty id)' ELSE bad END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'restore_counts_check';
    END IF;
    IF m_total = 0 THEN
        RAISE EXCEPTION 'restore counts: a snapshot needs at least one count' USING ERRCODE = 'check_violation';
    END IF;
    sums := own;
    SELECT COALESCE(sum(x.merchants), 0)::bigint INTO n FROM unnest(own) x;
    taken := s.taken_at;
    IF p_taken_from_rows THEN
        taken := COALESCE((SELECT max(x.as_of) FROM unnest(own) x), taken);
    END IF;
    phases := phases || jsonb_build_object('totals', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();

    -- The key. A merchant the file names in more than one run of lines
    -- fails it; its rows are merged, unless two of them count one domain.
    BEGIN
        EXECUTE format('CREATE UNIQUE INDEX %I ON %s (merchant_id)', part || '_key', tbl);
    EXCEPTION WHEN unique_violation THEN
        again := true;
    END;
    IF again THEN
        EXECUTE format($q$SELECT x.merchant_id, v.i FROM %1$s x
                JOIN (SELECT merchant_id FROM %1$s GROUP BY merchant_id HAVING count(*) > 1) m USING (merchant_id)
                CROSS JOIN LATERAL (VALUES %2$s) v(i, e)
                WHERE v.e IS NOT NULL GROUP BY x.merchant_id, v.i HAVING count(*) > 1 ORDER BY 1, 2 LIMIT 1$q$,
            tbl, (SELECT string_agg(format('(%1$s, x.e%1$s)', i), ', ') FROM generate_series(1, nd) i)) INTO dm, di;
        IF dm IS NOT NULL THEN
            RAISE EXCEPTION 'a merchant is counted twice for one domain'
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'restore_counts_key',
                      DETAIL = format('Key (merchant_id, domain)=(%s, %s) already exists.', dm, doms[di]);
        END IF;
        -- Each position is counted by one of the merchant's rows at most:
        -- max() is that row's.
        SELECT string_agg(format('e%1$s, r%1$s, a%1$s', i), ', ' ORDER BY i),
               string_agg(format('max(d.e%1$s), max(d.r%1$s), max(d.a%1$s)', i), ', ' ORDER BY i)
        INTO cols, maxes FROM generate_series(1, nd) i;
        EXECUTE format($q$WITH d AS (DELETE FROM %1$s x WHERE x.merchant_id IN
                                         (SELECT merchant_id FROM %1$s GROUP BY merchant_id HAVING count(*) > 1) RETURNING x.*)
                INSERT INTO %1$s (merchant_id, %2$s) SELECT d.merchant_id, %3$s FROM d GROUP BY d.merchant_id$q$,
            tbl, cols, maxes);
        EXECUTE format('CREATE UNIQUE INDEX %I ON %s (merchant_id)', part || '_key', tbl);
    END IF;
    phases := phases || jsonb_build_object('key', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();

    -- Carry, unless the file is a census of the previous snapshot's
    -- merchants and domains (each of its domains: same merchant count and
    -- key fingerprint).
    SELECT * INTO prev FROM restore_snapshots r WHERE r.incident_id = s.incident_id AND r.committed AND r.id < p_snapshot
    ORDER BY r.id DESC LIMIT 1;
    IF prev.id IS NOT NULL AND EXISTS (
           SELECT 1 FROM restore_totals o LEFT JOIN unnest(own) x ON x.domain = o.domain
           WHERE o.snapshot_id = prev.id AND (x.domain IS NULL OR x.merchants <> o.merchants OR x.keysum <> o.keysum)) THEN
        doms := doms || ARRAY(SELECT d FROM unnest(prev.domains) WITH ORDINALITY u(d, i) WHERE NOT d = ANY (doms) ORDER BY i);
        PERFORM warroom_restore_domain_limit(doms);
        PERFORM warroom_restore_add_columns(rel, cardinality(doms), true, true);
        IF warroom_restore_carry(tbl, prev, doms, taken) > 0 THEN
            again := true;
        END IF;
        phases := phases || jsonb_build_object('carry', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
    END IF;
    IF again THEN
        SELECT * INTO sums, m_total, m_complete, bad FROM warroom_restore_totals(tbl, p_snapshot, s.incident_id, doms, taken, false);
        phases := phases || jsonb_build_object('totals_again', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
    END IF;
    SELECT COALESCE(sum(x.merchants), 0)::bigint INTO total FROM unnest(sums) x;

    PERFORM warroom_restore_seal(rel);
    phases := phases || jsonb_build_object('seal', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();
    -- What an audit trigger would have written: the rows, or their count
    -- and digest.
    EXECUTE warroom_audit_rows_sql(tbl, 'NULL::bigint') INTO cnt, lo, hi, body;
    IF cnt > 0 THEN
        PERFORM warroom_audit_entry('restore_counts', 'INSERT', s.incident_id, cnt, NULL, body);
        PERFORM warroom_notify_rows('restore_counts', 'INSERT', s.incident_id, cnt);
    END IF;
    phases := phases || jsonb_build_object('audit', extract(epoch FROM clock_timestamp() - t));

    INSERT INTO restore_totals SELECT * FROM unnest(sums);
    UPDATE restore_snapshots r SET domains = doms, rows = n, carried = total - n, committed = true,
        merchants = m_total, merchants_complete = m_complete, taken_at = taken
    WHERE r.id = p_snapshot
    RETURNING r.* INTO s;
    -- Not LOCAL: a SET clause's level would undo it at the function's exit.
    PERFORM set_config('warroom.restore_phases', phases::text, false);
    RETURN s;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A merchant's counts in a committed snapshot, one row per domain it is
-- counted in; at is never NULL (the snapshot's time when the count has none).
CREATE FUNCTION warroom_restore_merchant(p_snapshot bigint, p_merchant text)
RETURNS TABLE (domain text, expected bigint, restored bigint, at timestamptz, from_snapshot bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s restore_snapshots;
BEGIN
    SELECT * INTO s FROM restore_snapshots r WHERE r.id = p_snapshot AND r.committed;
    IF NOT FOUND OR cardinality(s.domains) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT $2[v.i], v.e, v.r, COALESCE(v.a, $3), v.f FROM public.%I x CROSS JOIN LATERAL (VALUES %s) v(i, e, r, a, f)
         WHERE x.merchant_id = $1 AND v.e IS NOT NULL',
        'restore_counts_s' || p_snapshot,
        (SELECT string_agg(format('(%1$s, x.e%1$s, x.r%1$s, x.a%1$s, x.f%1$s)', i), ', ') FROM generate_series(1, cardinality(s.domains)) i))
    USING p_merchant, s.domains, s.taken_at;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The merchants still short in domain position p_pos of a committed
-- snapshot, worst first (most missing, then merchant id): a scan of its
-- rows, the worst p_limit kept.
CREATE FUNCTION warroom_restore_short(p_snapshot bigint, p_pos int, p_limit int)
RETURNS TABLE (merchant_id text, expected bigint, restored bigint, at timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    s restore_snapshots;
BEGIN
    SELECT * INTO s FROM restore_snapshots r WHERE r.id = p_snapshot AND r.committed;
    IF NOT FOUND OR p_pos IS NULL OR p_pos < 1 OR p_pos > cardinality(s.domains) THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT x.merchant_id, x.e%1$s, x.r%1$s, COALESCE(x.a%1$s, $1) FROM public.%2$I x
         WHERE x.r%1$s < x.e%1$s ORDER BY x.e%1$s - x.r%1$s DESC, x.merchant_id LIMIT $2',
        p_pos, 'restore_counts_s' || p_snapshot)
    USING s.taken_at, p_limit;
END $$;
-- +goose StatementEnd

-- The existing snapshots, each into a table of its own: built beside the
-- partitions (which hold the names), then renamed once the parent is gone.
-- Before the triggers: the conversion is no new import.
-- +goose StatementBegin
DO $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT r.id, r.domains FROM restore_snapshots r WHERE r.committed ORDER BY r.id LOOP
        EXECUTE format('CREATE TABLE public.%I AS SELECT c.merchant_id%s FROM public.restore_counts c WHERE c.snapshot_id = %s',
            'restore_counts_w' || s.id,
            COALESCE((SELECT string_agg(format(', c.expected[%1$s] AS e%1$s, c.restored[%1$s] AS r%1$s, c.at[%1$s] AS a%1$s, '
                                               'c.from_snapshot[%1$s] AS f%1$s', i), '' ORDER BY i)
                      FROM generate_series(1, cardinality(s.domains)) i), ''),
            s.id);
    END LOOP;
END $$;
-- +goose StatementEnd
DROP TABLE restore_counts;
-- +goose StatementBegin
DO $$
DECLARE
    s record;
    part text;
BEGIN
    FOR s IN SELECT r.id FROM restore_snapshots r WHERE r.committed ORDER BY r.id LOOP
        part := 'restore_counts_s' || s.id;
        EXECUTE format('ALTER TABLE public.%I RENAME TO %I', 'restore_counts_w' || s.id, part);
        EXECUTE format('ALTER TABLE public.%I ALTER merchant_id SET NOT NULL', part);
        EXECUTE format('CREATE UNIQUE INDEX %I ON public.%I (merchant_id)', part || '_key', part);
        PERFORM warroom_restore_seal(format('public.%I', part)::regclass);
    END LOOP;
END $$;
-- +goose StatementEnd
DROP FUNCTION warroom_restore_small_rows();

-- +goose StatementBegin
-- A snapshot staged must be committed in its transaction: staged and left,
-- its table would keep its importer's grants, and its file's hash would
-- read as imported forever after.
CREATE FUNCTION warroom_restore_committed() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT (SELECT r.committed FROM restore_snapshots r WHERE r.id = NEW.id) THEN
        RAISE EXCEPTION 'restore snapshot %: staged but not committed (warroom_restore_commit)', NEW.id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER restore_snapshot_committed AFTER INSERT ON restore_snapshots
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION warroom_restore_committed();
-- The audit's statement over a bulk load names this constant: marked
-- unsafe (the default), it kept that statement off parallel workers
-- (3M snapshot rows: 1.4 s, against 0.9-1.2 s in parallel).
ALTER FUNCTION warroom_audit_detail_rows() PARALLEL SAFE;

REVOKE EXECUTE ON FUNCTION warroom_restore_committed(), warroom_restore_width(regclass), warroom_restore_add_columns(regclass, int, boolean, boolean),
    warroom_restore_staged(bigint), warroom_restore_seal(regclass), warroom_restore_widen(bigint, int, boolean),
    warroom_restore_merchant(bigint, text), warroom_restore_short(bigint, int, int),
    warroom_restore_totals(text, bigint, bigint, text[], timestamptz, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_restore_widen(bigint, int, boolean) TO warroom_commander, warroom_engineer;
GRANT EXECUTE ON FUNCTION warroom_restore_merchant(bigint, text), warroom_restore_short(bigint, int, int)
    TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;

-- +goose Down
DROP TRIGGER restore_snapshot_committed ON restore_snapshots;
DROP FUNCTION warroom_restore_committed();
ALTER FUNCTION warroom_audit_detail_rows() PARALLEL UNSAFE;
-- Back to 00031's shape: every snapshot's rows in restore_counts' default
-- partition, the counts in arrays again; 00031's functions again.
-- +goose StatementBegin
CREATE FUNCTION warroom_restore_small_rows() RETURNS bigint LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$ SELECT COALESCE(NULLIF(current_setting('warroom.restore_small_rows', true), '')::bigint, 200000) $$;
-- +goose StatementEnd
CREATE TABLE restore_counts (
    snapshot_id   bigint NOT NULL,
    incident_id   bigint NOT NULL,
    merchant_id   text COLLATE "C" NOT NULL, -- byte order: cheaper to sort and index than a locale's
    expected      bigint[] NOT NULL,
    restored      bigint[] NOT NULL,
    at            timestamptz[],
    from_snapshot bigint[]
) PARTITION BY LIST (snapshot_id);
CREATE TABLE restore_counts_default PARTITION OF restore_counts DEFAULT;
CREATE UNIQUE INDEX restore_counts_default_key ON restore_counts_default (snapshot_id, merchant_id);
-- +goose StatementBegin
DO $$
DECLARE
    s record;
    list text;
BEGIN
    FOR s IN SELECT r.id, r.incident_id, r.domains FROM restore_snapshots r WHERE r.committed ORDER BY r.id LOOP
        list := format('public.%I', 'restore_counts_s' || s.id);
        EXECUTE format('INSERT INTO restore_counts SELECT %s, %s, x.merchant_id, ARRAY[%s]::bigint[], ARRAY[%s]::bigint[],
                               CASE WHEN COALESCE(%s NULL) IS NOT NULL THEN ARRAY[%s]::timestamptz[] END,
                               CASE WHEN COALESCE(%s NULL) IS NOT NULL THEN ARRAY[%s]::bigint[] END
                        FROM %s x', s.id, s.incident_id,
            (SELECT string_agg(format('x.e%s', i), ', ' ORDER BY i) FROM generate_series(1, cardinality(s.domains)) i),
            (SELECT string_agg(format('x.r%s', i), ', ' ORDER BY i) FROM generate_series(1, cardinality(s.domains)) i),
            (SELECT COALESCE(string_agg(format('x.a%s, ', i), '' ORDER BY i), '') FROM generate_series(1, cardinality(s.domains)) i),
            (SELECT string_agg(format('x.a%s', i), ', ' ORDER BY i) FROM generate_series(1, cardinality(s.domains)) i),
            (SELECT COALESCE(string_agg(format('x.f%s, ', i), '' ORDER BY i), '') FROM generate_series(1, cardinality(s.domains)) i),
            (SELECT string_agg(format('x.f%s', i), ', ' ORDER BY i) FROM generate_series(1, cardinality(s.domains)) i),
            list);
        EXECUTE format('DROP TABLE %s', list);
    END LOOP;
END $$;
-- +goose StatementEnd
SELECT warroom_protect_table('restore_counts', ARRAY[]::text[]);
CREATE TRIGGER notify_insert AFTER INSERT ON restore_counts
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();
REVOKE ALL ON restore_counts_default FROM warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;
SELECT warroom_protect_table('restore_counts_default', ARRAY[]::text[]);
ANALYZE restore_counts;
DROP FUNCTION warroom_restore_totals(text, bigint, bigint, text[], timestamptz, boolean), warroom_restore_merchant(bigint, text), warroom_restore_short(bigint, int, int), warroom_restore_widen(bigint, int, boolean),
    warroom_restore_seal(regclass), warroom_restore_staged(bigint), warroom_restore_add_columns(regclass, int, boolean, boolean), warroom_restore_width(regclass);

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
    -- The parent's NOT NULLs and the bound on the empty table: COPY checks
    -- them as it goes; the counts themselves are checked by the commit.
    EXECUTE format('CREATE TABLE public.%I (LIKE public.restore_counts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format('ALTER TABLE public.%I ALTER snapshot_id SET DEFAULT %s, ALTER incident_id SET DEFAULT %s, '
                   'ADD CONSTRAINT %I CHECK (snapshot_id = %s AND incident_id = %s)',
                   part, s.id, p_incident, part || '_bound', s.id, p_incident);
    EXECUTE format('GRANT INSERT ON public.%I TO %I', part, session_user);
    snapshot_id := s.id; imported_at := s.imported_at;
    RETURN NEXT;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The one pass over a snapshot's rows in rel: its totals per domain as
-- restore_totals rows, the merchants, those with every count restored,
-- the audit digest (the sum of the row hashes warroom_audit_rows_sql
-- sums), and, when p_check, the smallest merchant id whose row breaks the
-- rules (NULL: none). A count with no time of its own is as of p_taken.
-- Each array element is read once, as a column of a subquery the planner
-- keeps apart: flattened, each subscript would be repeated in every
-- aggregate that uses it (twice as slow); kept apart by OFFSET 0, the
-- pass could not run in parallel. A UNION ALL with an empty branch does
-- both: the branch is dropped, the other computes its columns once per
-- row, and the scan stays parallel (3M rows: 3.5 s against 4.2 s with
-- OFFSET 0 and 8.1 s flattened, on a busy 2-core machine). Aggregated per
-- domain position: no row is multiplied. Each domain's key fingerprint is the merchants' own unless
-- some merchant is not counted in it; only then a second pass.
CREATE FUNCTION warroom_restore_totals(rel text, p_snapshot bigint, p_incident bigint, p_domains text[], p_taken timestamptz,
    p_check boolean, OUT sums restore_totals[], OUT merchants bigint, OUT complete bigint, OUT digest numeric, OUT bad text)
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    nd   int := cardinality(p_domains);
    cols text := '';
    cnt  text[] := '{}'; e text[] := '{}'; r text[] := '{}'; sh text[] := '{}'; asof text[] := '{}';
    done text := 'true';
    ok   text := '';
    anye text[] := '{}';
    vcnt bigint[]; ve bigint[]; vr bigint[]; vsh bigint[]; vasof timestamptz[];
    ks   bigint;
    kss  bigint[];
BEGIN
    FOR i IN 1 .. nd LOOP
        cols := cols || format(', x.expected[%1$s] AS e%1$s, x.restored[%1$s] AS r%1$s, x.at[%1$s] AS a%1$s', i);
        cnt := cnt || format('count(y.e%s)', i);
        e := e || format('COALESCE(sum(y.e%s), 0)::bigint', i);
        r := r || format('COALESCE(sum(y.r%s), 0)::bigint', i);
        sh := sh || format('count(*) FILTER (WHERE y.r%1$s < y.e%1$s)', i);
        -- A count without a time of its own is as of p_taken: the latest of
        -- the times given, and p_taken when some count has none (cheaper
        -- than a filtered max over a COALESCE).
        asof := asof || format('CASE WHEN count(y.a%1$s) < count(y.e%1$s) THEN GREATEST(max(y.a%1$s), %2$L::timestamptz) '
                               'ELSE max(y.a%1$s) END', i, p_taken);
        done := done || format(' AND y.r%1$s IS NOT DISTINCT FROM y.e%1$s', i);
        ok := ok || format(' OR y.r%1$s < 0 OR y.r%1$s > y.e%1$s OR (y.e%1$s IS NULL) <> (y.r%1$s IS NULL) '
                           'OR (y.a%1$s IS NOT NULL AND y.e%1$s IS NULL)', i);
        anye := anye || format('y.e%s', i);
    END LOOP;
    IF p_check THEN
        cols := cols || ', x.from_snapshot IS NOT NULL AS fs';
        -- No element past the snapshot's domains: a carry that adds
        -- domains would read it as a count of one of them, unchecked.
        ok := ok || format(' OR cardinality((y.x).expected) > %1$s OR cardinality((y.x).restored) > %1$s'
                           ' OR cardinality((y.x).at) > %1$s', nd);
    END IF;
    EXECUTE format($q$
        SELECT count(*), count(*) FILTER (WHERE %1$s), COALESCE(sum(hashtext(y.merchant_id)), 0)::bigint,
               COALESCE(sum(pg_catalog.hash_record_extended(y.x, 0::bigint)), 0), %2$s,
               ARRAY[%3$s]::bigint[], ARRAY[%4$s]::bigint[], ARRAY[%5$s]::bigint[], ARRAY[%6$s]::bigint[], ARRAY[%7$s]::timestamptz[]
        FROM (SELECT x, x.merchant_id%8$s FROM %9$s x UNION ALL SELECT x, x.merchant_id%8$s FROM %9$s x WHERE false) y$q$,
        done,
        CASE WHEN p_check THEN format('min(y.merchant_id) FILTER (WHERE y.fs OR COALESCE(%1$s) IS NULL%2$s)',
                                      COALESCE(NULLIF(array_to_string(anye, ', '), ''), 'NULL::bigint'), ok)
             ELSE 'NULL::text' END,
        array_to_string(cnt, ', '), array_to_string(e, ', '), array_to_string(r, ', '), array_to_string(sh, ', '),
        array_to_string(asof, ', '), cols, rel)
    INTO merchants, complete, ks, digest, bad, vcnt, ve, vr, vsh, vasof;
    IF EXISTS (SELECT 1 FROM generate_series(1, nd) i WHERE vcnt[i] > 0 AND vcnt[i] <> merchants) THEN
        EXECUTE format('SELECT ARRAY[%s]::bigint[] FROM %s x',
                       (SELECT string_agg(format('COALESCE(sum(hashtext(x.merchant_id)) FILTER (WHERE x.expected[%s] IS NOT NULL), 0)', i),
                                          ', ' ORDER BY i) FROM generate_series(1, nd) i), rel)
        INTO kss;
    END IF;
    -- A domain the list names but no row counts has no totals.
    sums := ARRAY(SELECT ROW(p_snapshot, p_incident, p_domains[i], vcnt[i], ve[i], vr[i], vsh[i], COALESCE(kss[i], ks), vasof[i])::restore_totals
                  FROM generate_series(1, nd) i WHERE vcnt[i] > 0 ORDER BY i);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The previous snapshot's counts for merchants and domains this one does
-- not name, into the staged table rel (keyed on merchant_id): merged into
-- the rows of merchants it names, new rows for those it does not. p_domains
-- is this snapshot's domain list with the previous one's others appended.
-- Carried counts keep their time and the snapshot that counted them.
-- Returns the rows changed.
CREATE OR REPLACE FUNCTION warroom_restore_carry(rel text, prev restore_snapshots, p_domains text[], p_taken timestamptz) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    k int;
    j int;
    ue text[] := '{}'; ur text[] := '{}'; ua text[] := '{}'; uf text[] := '{}'; cond text[] := '{}';
    ie text[] := '{}'; ir text[] := '{}'; ia text[] := '{}'; iff text[] := '{}';
    a bigint;
    b bigint;
BEGIN
    FOR k IN 1 .. cardinality(p_domains) LOOP
        j := array_position(prev.domains, p_domains[k]);
        IF j IS NULL THEN
            ue := ue || format('x.expected[%s]', k);
            ur := ur || format('x.restored[%s]', k);
            ua := ua || format('CASE WHEN x.expected[%1$s] IS NOT NULL THEN COALESCE(x.at[%1$s], %2$L::timestamptz) END', k, p_taken);
            uf := uf || 'NULL::bigint'::text;
            ie := ie || 'NULL::bigint'::text; ir := ir || 'NULL::bigint'::text;
            ia := ia || 'NULL::timestamptz'::text; iff := iff || 'NULL::bigint'::text;
        ELSE
            ue := ue || format('COALESCE(x.expected[%s], o.expected[%s])', k, j);
            ur := ur || format('CASE WHEN x.expected[%1$s] IS NOT NULL THEN x.restored[%1$s] ELSE o.restored[%2$s] END', k, j);
            ua := ua || format('CASE WHEN x.expected[%1$s] IS NOT NULL THEN COALESCE(x.at[%1$s], %3$L::timestamptz) '
                               'WHEN o.expected[%2$s] IS NOT NULL THEN COALESCE(o.at[%2$s], %4$L::timestamptz) END',
                               k, j, p_taken, prev.taken_at);
            uf := uf || format('CASE WHEN x.expected[%1$s] IS NULL AND o.expected[%2$s] IS NOT NULL '
                               'THEN COALESCE(o.from_snapshot[%2$s], %3$s) END', k, j, prev.id);
            cond := cond || format('(x.expected[%s] IS NULL AND o.expected[%s] IS NOT NULL)', k, j);
            ie := ie || format('o.expected[%s]', j);
            ir := ir || format('o.restored[%s]', j);
            ia := ia || format('CASE WHEN o.expected[%1$s] IS NOT NULL THEN COALESCE(o.at[%1$s], %2$L::timestamptz) END', j, prev.taken_at);
            iff := iff || format('CASE WHEN o.expected[%1$s] IS NOT NULL THEN COALESCE(o.from_snapshot[%1$s], %2$s) END', j, prev.id);
        END IF;
    END LOOP;
    IF cardinality(cond) = 0 THEN
        RETURN 0;
    END IF;
    EXECUTE format('UPDATE %1$s x SET expected = ARRAY[%2$s], restored = ARRAY[%3$s], at = ARRAY[%4$s], from_snapshot = ARRAY[%5$s]
                    FROM public.restore_counts o WHERE o.snapshot_id = %6$s AND o.merchant_id = x.merchant_id AND (%7$s)',
                   rel, array_to_string(ue, ', '), array_to_string(ur, ', '), array_to_string(ua, ', '),
                   array_to_string(uf, ', '), prev.id, array_to_string(cond, ' OR '));
    GET DIAGNOSTICS a = ROW_COUNT;
    EXECUTE format('INSERT INTO %1$s (merchant_id, expected, restored, at, from_snapshot)
                    SELECT o.merchant_id, ARRAY[%2$s], ARRAY[%3$s], ARRAY[%4$s], ARRAY[%5$s]
                    FROM public.restore_counts o WHERE o.snapshot_id = %6$s
                      AND NOT EXISTS (SELECT 1 FROM %1$s x WHERE x.merchant_id = o.merchant_id)',
                   rel, array_to_string(ie, ', '), array_to_string(ir, ', '), array_to_string(ia, ', '),
                   array_to_string(iff, ', '), prev.id);
    GET DIAGNOSTICS b = ROW_COUNT;
    RETURN a + b;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Step two, after the COPY of one row per merchant into the staged table:
-- p_domains names the arrays' positions. Checked and totalled in one pass,
-- keyed (a merchant named in two runs of the file is merged; counted twice
-- for one domain, it is a unique violation on restore_counts_key), the
-- previous snapshot's other counts carried, attached (or, when small,
-- moved to the default partition), audited, notified. Returns the
-- snapshot as recorded; rows and carried count (merchant, domain) counts.
CREATE OR REPLACE FUNCTION warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean, p_domains text[]) RETURNS restore_snapshots
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET work_mem = '256MB' SET maintenance_work_mem = '512MB'
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
DECLARE
    s      restore_snapshots;
    prev   restore_snapshots;
    part   text := 'restore_counts_s' || p_snapshot;
    tbl    text;
    rel    regclass;
    doms   text[];
    n      bigint;
    total  bigint;
    body   jsonb;
    cnt    bigint;
    lo     bigint;
    hi     bigint;
    again  boolean := false;
    sums   restore_totals[];
    own    restore_totals[];
    taken  timestamptz;
    dig    numeric;
    bad    text;
    m_total bigint;
    m_complete bigint;
    dm     text;
    di     int;
    detail text;
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
    tbl := format('public.%I', part);
    IF array_ndims(p_domains) > 1 THEN
        RAISE EXCEPTION 'restore domains: a list, not %', p_domains USING ERRCODE = 'invalid_parameter_value';
    END IF;
    doms := ARRAY(SELECT d FROM unnest(COALESCE(p_domains, '{}')) WITH ORDINALITY u(d, i) ORDER BY i);
    IF EXISTS (SELECT 1 FROM unnest(doms) d WHERE d IS NULL OR btrim(d) = '' OR length(d) > 64)
       OR (SELECT count(DISTINCT d) FROM unnest(doms) d) <> cardinality(doms) THEN
        RAISE EXCEPTION 'restore domains %: each named once, not empty, at most 64 characters', doms
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM warroom_restore_domain_limit(doms);

    -- The one pass: the rules, the totals, merchants complete, digest.
    SELECT * INTO own, m_total, m_complete, dig, bad FROM warroom_restore_totals(tbl, p_snapshot, s.incident_id, doms, s.taken_at, true);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'merchant %: each count needs 0 <= restored <= expected, both or neither, a time only beside a count', bad
            USING ERRCODE = 'check_violation', CONSTRAINT = 'restore_counts_check';
    END IF;
    sums := own;
    SELECT COALESCE(sum(x.merchants), 0)::bigint INTO n FROM unnest(own) x;
    taken := s.taken_at;
    IF p_taken_from_rows THEN
        taken := COALESCE((SELECT max(x.as_of) FROM unnest(own) x), taken);
    END IF;
    phases := phases || jsonb_build_object('totals', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();

    -- The key. A merchant the file names in more than one run of lines
    -- fails it; its rows are merged, unless two of them count one domain.
    BEGIN
        EXECUTE format('CREATE UNIQUE INDEX %I ON %s (merchant_id)', part || '_key', tbl);
    EXCEPTION WHEN unique_violation THEN
        again := true;
    END;
    IF again THEN
        EXECUTE format($q$SELECT x.merchant_id, i FROM %1$s x
                JOIN (SELECT merchant_id FROM %1$s GROUP BY merchant_id HAVING count(*) > 1) m USING (merchant_id)
                CROSS JOIN generate_series(1, %2$s) i
                WHERE x.expected[i] IS NOT NULL GROUP BY x.merchant_id, i HAVING count(*) > 1 ORDER BY 1, 2 LIMIT 1$q$,
            tbl, cardinality(doms)) INTO dm, di;
        IF dm IS NOT NULL THEN
            RAISE EXCEPTION 'a merchant is counted twice for one domain'
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'restore_counts_key',
                      DETAIL = format('Key (merchant_id, domain)=(%s, %s) already exists.', dm, doms[di]);
        END IF;
        EXECUTE format($q$WITH d AS (DELETE FROM %1$s x WHERE x.merchant_id IN
                                         (SELECT merchant_id FROM %1$s GROUP BY merchant_id HAVING count(*) > 1) RETURNING x.*)
                INSERT INTO %1$s (merchant_id, expected, restored, at)
                SELECT g.merchant_id, array_agg(g.e ORDER BY g.i), array_agg(g.r ORDER BY g.i),
                       CASE WHEN bool_or(g.a IS NOT NULL) THEN array_agg(g.a ORDER BY g.i) END
                FROM (SELECT d.merchant_id, i, max(d.expected[i]) AS e, max(d.restored[i]) AS r, max(d.at[i]) AS a
                      FROM d CROSS JOIN generate_series(1, %2$s) i GROUP BY 1, 2) g
                GROUP BY g.merchant_id$q$, tbl, cardinality(doms));
        EXECUTE format('CREATE UNIQUE INDEX %I ON %s (merchant_id)', part || '_key', tbl);
    END IF;
    phases := phases || jsonb_build_object('key', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();

    -- Carry, unless the file is a census of the previous snapshot's
    -- merchants and domains (each of its domains: same merchant count and
    -- key fingerprint).
    SELECT * INTO prev FROM restore_snapshots r WHERE r.incident_id = s.incident_id AND r.committed AND r.id < p_snapshot
    ORDER BY r.id DESC LIMIT 1;
    IF prev.id IS NOT NULL AND EXISTS (
           SELECT 1 FROM restore_totals o LEFT JOIN unnest(own) x ON x.domain = o.domain
           WHERE o.snapshot_id = prev.id AND (x.domain IS NULL OR x.merchants <> o.merchants OR x.keysum <> o.keysum)) THEN
        doms := doms || ARRAY(SELECT d FROM unnest(prev.domains) WITH ORDINALITY u(d, i) WHERE NOT d = ANY (doms) ORDER BY i);
        PERFORM warroom_restore_domain_limit(doms);
        IF warroom_restore_carry(tbl, prev, doms, taken) > 0 THEN
            again := true;
        END IF;
        phases := phases || jsonb_build_object('carry', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
    END IF;
    IF again THEN
        SELECT * INTO sums, m_total, m_complete, dig, bad FROM warroom_restore_totals(tbl, p_snapshot, s.incident_id, doms, taken, false);
        phases := phases || jsonb_build_object('totals_again', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
    END IF;
    SELECT COALESCE(sum(x.merchants), 0)::bigint INTO total FROM unnest(sums) x;

    IF pg_stat_get_xact_tuples_inserted(rel) < warroom_restore_small_rows() THEN
        -- A small snapshot joins the default partition: cheaper than the
        -- DDL of a partition of its own. The parent's triggers audit it.
        EXECUTE format('INSERT INTO restore_counts SELECT * FROM %s', tbl);
        EXECUTE format('DROP TABLE %s', tbl);
        phases := phases || jsonb_build_object('insert', extract(epoch FROM clock_timestamp() - t));
    ELSE
        EXECUTE format('ALTER TABLE restore_counts ATTACH PARTITION %s FOR VALUES IN (%s)', tbl, p_snapshot);
        PERFORM warroom_protect_table(rel, ARRAY[]::text[]);
        phases := phases || jsonb_build_object('attach', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
        -- A sample of 3,000 rows instead of 30,000: the queries on a
        -- snapshot are key lookups and scans; autovacuum analyses it again
        -- in full later.
        detail := current_setting('default_statistics_target');
        PERFORM set_config('default_statistics_target', '10', true);
        EXECUTE format('ANALYZE %s', tbl);
        PERFORM set_config('default_statistics_target', detail, true);
        phases := phases || jsonb_build_object('analyze', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
        -- What the parent's audit_insert and notify_insert would have
        -- written: the digest from the pass unless rows changed since, or
        -- so few that the entry lists them.
        IF again OR m_total <= warroom_audit_detail_rows() THEN
            EXECUTE warroom_audit_rows_sql(tbl, 'NULL::bigint') INTO cnt, lo, hi, body;
        ELSE
            cnt := m_total;
            body := jsonb_build_object('rows', m_total, 'digest', 'sum-hash64:' || dig::text);
        END IF;
        IF cnt > 0 THEN
            PERFORM warroom_audit_entry('restore_counts', 'INSERT', s.incident_id, cnt, NULL, body);
            PERFORM warroom_notify_rows('restore_counts', 'INSERT', s.incident_id, cnt);
        END IF;
        phases := phases || jsonb_build_object('audit', extract(epoch FROM clock_timestamp() - t));
    END IF;

    INSERT INTO restore_totals SELECT * FROM unnest(sums);
    UPDATE restore_snapshots r SET domains = doms, rows = n, carried = total - n, committed = true,
        merchants = m_total, merchants_complete = m_complete, taken_at = taken
    WHERE r.id = p_snapshot
    RETURNING r.* INTO s;
    -- Not LOCAL: a SET clause's level would undo it at the function's exit.
    PERFORM set_config('warroom.restore_phases', phases::text, false);
    RETURN s;
END $$;
-- +goose StatementEnd

REVOKE EXECUTE ON FUNCTION warroom_restore_totals(text, bigint, bigint, text[], timestamptz, boolean) FROM PUBLIC;
