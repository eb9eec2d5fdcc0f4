-- Restore counts: one row per merchant per snapshot (issue 15, speed goals).
--
-- 00022/00029 stored one row per merchant and domain: at 3M merchants x 5
-- domains a snapshot wrote 15M rows, which cost at least a bare \copy of
-- the file before any key or total, then a unique key, a call-list index
-- and a hash by merchant for "merchants with all data back". A snapshot's
-- row is now one merchant, its counts in arrays by position:
--
--   restore_snapshots.domains  the snapshot's domains; position i of every
--                              row's arrays is domains[i] (first appearance
--                              in the file, then domains carried from the
--                              snapshot before; readers rely on positions,
--                              never on the order)
--   expected[i], restored[i]   NULL: the merchant is not counted in that
--                              domain (an array shorter than domains reads
--                              NULL at the tail)
--   at                         NULL, or a NULL element: as of the
--                              snapshot's taken_at
--   from_snapshot              NULL, or a NULL element: counted by this
--                              snapshot; otherwise the snapshot that did
--                              (carried)
--
-- So the import COPYs a fifth of the rows, the key is merchant_id alone,
-- and "merchants with all their data back" is a per-row test
-- (restored = expected) in the same pass as the totals per domain.
--
-- The rules a plain-SQL client must not get past (0 <= restored <=
-- expected per domain position, both or neither given, no time without a
-- count, at least one domain counted, no from_snapshot of its own) are
-- checked by warroom_restore_commit's single pass over the staged rows
-- (warroom_restore_totals),
-- which raises naming a merchant that breaks them (restore_counts_check),
-- before anything is attached: per-row CHECK constraints over arrays would
-- cost a function call per row during the COPY. Only positions 1 to
-- cardinality(domains) are ever read (totals, reads, carry, merge), so an
-- element outside them (a longer array, another lower bound) counts for
-- nothing rather than being checked (checking each array's bounds took a
-- third more time in the pass). The staged table is still only writable
-- by its own transaction, until the commit revokes it.
--
-- Existing snapshots are converted in place; they all go to the default
-- partition (the Down does the same with the old shape).

-- +goose Up

ALTER TABLE restore_snapshots ADD COLUMN domains text[] NOT NULL DEFAULT '{}';
UPDATE restore_snapshots s SET domains = ARRAY(SELECT t.domain FROM restore_totals t WHERE t.snapshot_id = s.id ORDER BY t.domain)
WHERE EXISTS (SELECT 1 FROM restore_totals t WHERE t.snapshot_id = s.id);

CREATE TEMP TABLE restore_counts_wide ON COMMIT DROP AS
SELECT m.snapshot_id, m.incident_id, m.merchant_id,
       array_agg(c.expected ORDER BY d.i) AS expected, array_agg(c.restored ORDER BY d.i) AS restored,
       array_agg(c.at ORDER BY d.i) AS at,
       CASE WHEN bool_and(c.from_snapshot IS NULL OR c.from_snapshot = m.snapshot_id) THEN NULL
            ELSE array_agg(NULLIF(c.from_snapshot, m.snapshot_id) ORDER BY d.i) END AS from_snapshot
FROM (SELECT DISTINCT snapshot_id, incident_id, merchant_id FROM restore_counts) m
JOIN restore_snapshots s ON s.id = m.snapshot_id
CROSS JOIN LATERAL unnest(s.domains) WITH ORDINALITY d(domain, i)
LEFT JOIN restore_counts c ON c.snapshot_id = m.snapshot_id AND c.merchant_id = m.merchant_id AND c.domain = d.domain
GROUP BY m.snapshot_id, m.incident_id, m.merchant_id;

DROP TABLE restore_counts;
DROP FUNCTION warroom_restore_sums(text, bigint, bigint);
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
-- Before the triggers: the conversion is no new import.
INSERT INTO restore_counts SELECT * FROM restore_counts_wide;
SELECT warroom_protect_table('restore_counts', ARRAY[]::text[]);
CREATE TRIGGER notify_insert AFTER INSERT ON restore_counts
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();
REVOKE ALL ON restore_counts_default FROM warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;
SELECT warroom_protect_table('restore_counts_default', ARRAY[]::text[]);
ANALYZE restore_counts;

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
-- At most 200 domains in a snapshot, those carried included (recovery.MaxDomains):
-- the totals pass reads every domain as columns of one query, and
-- PostgreSQL refuses more than 1,664 columns, with a message that holds
-- the whole query.
CREATE FUNCTION warroom_restore_domain_limit(doms text[]) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF cardinality(doms) > 200 THEN
        RAISE EXCEPTION 'restore domains: % in this snapshot (with those carried from the previous one), at most 200', cardinality(doms)
            USING ERRCODE = 'check_violation';
    END IF;
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
CREATE FUNCTION warroom_restore_carry(rel text, prev restore_snapshots, p_domains text[], p_taken timestamptz) RETURNS bigint
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
CREATE FUNCTION warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean, p_domains text[]) RETURNS restore_snapshots
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

DROP FUNCTION warroom_restore_commit(bigint, boolean);
REVOKE EXECUTE ON FUNCTION warroom_restore_commit(bigint, boolean, text[]), warroom_restore_carry(text, restore_snapshots, text[], timestamptz),
    warroom_restore_totals(text, bigint, bigint, text[], timestamptz, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_restore_commit(bigint, boolean, text[]) TO warroom_commander, warroom_engineer;

-- +goose Down
-- One row per merchant and domain again, every count with its time and
-- snapshot spelled out, all in the default partition.
CREATE TEMP TABLE restore_counts_long ON COMMIT DROP AS
SELECT c.snapshot_id, c.incident_id, c.merchant_id, d.domain, c.expected[d.i] AS expected, c.restored[d.i] AS restored,
       COALESCE(c.at[d.i], s.taken_at) AS at, COALESCE(c.from_snapshot[d.i], c.snapshot_id) AS from_snapshot
FROM restore_counts c JOIN restore_snapshots s ON s.id = c.snapshot_id
CROSS JOIN LATERAL unnest(s.domains) WITH ORDINALITY d(domain, i)
WHERE c.expected[d.i] IS NOT NULL;
DROP FUNCTION warroom_restore_commit(bigint, boolean, text[]), warroom_restore_carry(text, restore_snapshots, text[], timestamptz),
    warroom_restore_totals(text, bigint, bigint, text[], timestamptz, boolean), warroom_restore_domain_limit(text[]);
DROP TABLE restore_counts;
CREATE TABLE restore_counts (
    snapshot_id   bigint NOT NULL,
    incident_id   bigint NOT NULL,
    merchant_id   text COLLATE "C" NOT NULL,
    domain        text COLLATE "C" NOT NULL,
    expected      bigint NOT NULL CHECK (expected >= 0),
    restored      bigint NOT NULL CHECK (restored >= 0 AND restored <= expected),
    at            timestamptz NOT NULL,
    from_snapshot bigint NOT NULL
) PARTITION BY LIST (snapshot_id);
CREATE TABLE restore_counts_default PARTITION OF restore_counts DEFAULT;
CREATE UNIQUE INDEX restore_counts_default_key ON restore_counts_default (snapshot_id, merchant_id, domain);
CREATE INDEX restore_counts_default_short ON restore_counts_default (snapshot_id, domain, (expected - restored) DESC, merchant_id)
    WHERE restored < expected;
INSERT INTO restore_counts SELECT * FROM restore_counts_long;
SELECT warroom_protect_table('restore_counts', ARRAY[]::text[]);
CREATE TRIGGER notify_insert AFTER INSERT ON restore_counts
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();
REVOKE ALL ON restore_counts_default FROM warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;
SELECT warroom_protect_table('restore_counts_default', ARRAY[]::text[]);
ALTER TABLE restore_snapshots DROP COLUMN domains;

-- +goose StatementBegin
-- The totals per domain of a snapshot's rows in rel (restore_counts or the
-- staged table), as restore_totals rows.
CREATE FUNCTION warroom_restore_sums(rel text, p_snapshot bigint, p_incident bigint)
RETURNS SETOF restore_totals LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'SELECT %s::bigint, %s::bigint, domain, count(*), COALESCE(sum(expected), 0)::bigint,
                COALESCE(sum(restored), 0)::bigint, count(*) FILTER (WHERE restored < expected),
                COALESCE(sum(hashtext(merchant_id)), 0), max(at)
         FROM %s WHERE snapshot_id = %s GROUP BY domain', p_snapshot, p_incident, rel, p_snapshot);
END $$;
-- +goose StatementEnd

-- 00029's two functions again.
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

REVOKE EXECUTE ON FUNCTION warroom_restore_commit(bigint, boolean), warroom_restore_sums(text, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_restore_commit(bigint, boolean) TO warroom_commander, warroom_engineer;
