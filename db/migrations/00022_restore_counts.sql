-- Restore progress counted per merchant and data domain (issue 15).
--
-- Each `warroom restore counts import` is one snapshot (restore_snapshots),
-- kept for ever. Its rows go to a partition of restore_counts of its own,
-- which holds the whole latest state as of that snapshot: the rows the file
-- named, plus the previous snapshot's rows for every merchant and domain
-- the file did not name ("carried", from_snapshot older than snapshot_id).
-- So the latest count per merchant and domain is always the newest
-- snapshot's partition, read by key, and restore_totals holds that
-- partition's totals per domain, computed once in the import's
-- transaction: `restore status` reads a handful of rows, the curve one per
-- snapshot and domain.
--
-- Carrying is skipped for a domain whose merchants are the same as in the
-- previous snapshot (same count and same sum of 32-bit key hashes,
-- restore_totals.keysum): the usual census names every merchant again.
-- Two different sets of merchants of one size with the same sum are
-- possible (about one chance in four billion for unrelated sets); a file
-- built to collide would lose the carried rows of the merchants it leaves
-- out, nothing else.
--
-- A load: warroom_restore_stage records the snapshot and creates the bare
-- table restore_counts_s<id> that only the importing login may COPY into
-- until its transaction ends; warroom_restore_commit then checks it,
-- indexes it (a merchant named twice for a domain fails the unique key),
-- carries, attaches it, writes the audit row and notification the
-- parent's triggers would have, and the totals. recovery/counts.go drives
-- both. Engineers and commanders import; everyone reads.

-- +goose Up

CREATE TABLE restore_snapshots (
    id                 bigserial PRIMARY KEY,
    incident_id        bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    file_name          text NOT NULL,
    sha256             text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    taken_at           timestamptz NOT NULL,
    imported_at        timestamptz NOT NULL DEFAULT now(),
    imported_by        text NOT NULL DEFAULT warroom_actor(),
    rows               bigint NOT NULL DEFAULT 0,  -- rows the file named
    carried            bigint NOT NULL DEFAULT 0,  -- rows kept from the previous snapshot
    merchants          bigint NOT NULL DEFAULT 0,  -- merchants in the latest state
    merchants_complete bigint NOT NULL DEFAULT 0,  -- of which every domain is restored
    committed          boolean NOT NULL DEFAULT false,
    UNIQUE (incident_id, sha256)
);
CREATE INDEX restore_snapshots_incident ON restore_snapshots (incident_id, taken_at, id);
SELECT warroom_protect_table('restore_snapshots', ARRAY[]::text[]);

CREATE TABLE restore_counts (
    snapshot_id   bigint NOT NULL,
    incident_id   bigint NOT NULL,
    merchant_id   text COLLATE "C" NOT NULL, -- byte order: cheaper to sort and index than a locale's
    domain        text COLLATE "C" NOT NULL,
    expected      bigint NOT NULL CHECK (expected >= 0),
    restored      bigint NOT NULL CHECK (restored >= 0 AND restored <= expected),
    at            timestamptz NOT NULL,
    from_snapshot bigint NOT NULL
) PARTITION BY LIST (snapshot_id);
CREATE UNIQUE INDEX restore_counts_key ON restore_counts (snapshot_id, merchant_id, domain);
-- The call list: merchants still short, worst first.
CREATE INDEX restore_counts_short ON restore_counts (snapshot_id, domain, (expected - restored) DESC, merchant_id)
    WHERE restored < expected;
SELECT warroom_protect_table('restore_counts', ARRAY[]::text[]);
CREATE TRIGGER notify_insert AFTER INSERT ON restore_counts
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();

-- One row per snapshot and domain: the latest state's totals as of it.
CREATE TABLE restore_totals (
    snapshot_id bigint NOT NULL REFERENCES restore_snapshots (id) ON DELETE CASCADE,
    incident_id bigint NOT NULL,
    domain      text NOT NULL,
    merchants   bigint NOT NULL,  -- (merchant, domain) rows
    expected    bigint NOT NULL,
    restored    bigint NOT NULL,
    short       bigint NOT NULL,  -- merchants with restored < expected
    keysum      bigint NOT NULL,  -- sum of hashtext(merchant_id): the key set's fingerprint
    as_of       timestamptz NOT NULL,
    PRIMARY KEY (snapshot_id, domain)
);
CREATE INDEX restore_totals_incident ON restore_totals (incident_id, snapshot_id);
SELECT warroom_protect_table('restore_totals', ARRAY[]::text[]);

-- A milestone linked to data domains: its progress is restored/expected
-- of those domains (recovery.Milestones). Unlinking sets linked false.
-- (The incident is the milestone's: the key below holds them together.)
ALTER TABLE milestones ADD CONSTRAINT milestones_id_incident_key UNIQUE (id, incident_id);
CREATE TABLE milestone_domains (
    milestone_id bigint NOT NULL,
    incident_id  bigint NOT NULL,
    domain       text NOT NULL CHECK (btrim(domain) <> '' AND length(domain) <= 64),
    linked       boolean NOT NULL DEFAULT true,
    linked_at    timestamptz NOT NULL DEFAULT now(),
    linked_by    text NOT NULL DEFAULT warroom_actor(),
    PRIMARY KEY (milestone_id, domain),
    FOREIGN KEY (milestone_id, incident_id) REFERENCES milestones (id, incident_id) ON DELETE CASCADE
);
SELECT warroom_protect_table('milestone_domains', ARRAY['commander', 'engineer']);

-- Snapshots below this many rows go to the default partition (tests set
-- warroom.restore_small_rows to try both ways; either is correct).
CREATE FUNCTION warroom_restore_small_rows() RETURNS bigint LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$ SELECT COALESCE(NULLIF(current_setting('warroom.restore_small_rows', true), '')::bigint, 200000) $$;
CREATE TABLE restore_counts_default PARTITION OF restore_counts DEFAULT;
REVOKE ALL ON restore_counts_default FROM warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;
SELECT warroom_protect_table('restore_counts_default', ARRAY[]::text[]);

-- +goose StatementBegin
-- Whether the session's login may import restore counts.
CREATE FUNCTION warroom_restore_writer() RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT (warroom_has_role('engineer') OR warroom_has_role('commander')) THEN
        RAISE EXCEPTION 'restore counts are imported by engineers and commanders: % is neither', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Step one: the snapshot (or, when the same file was imported before, that
-- one, with part NULL) and its bare table, which the importing login may
-- fill with COPY until its transaction ends. Imports of one incident are
-- serialised: each carries from the one before.
CREATE FUNCTION warroom_restore_stage(p_incident bigint, p_file text, p_sha text, p_taken timestamptz)
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

-- +goose StatementBegin
-- Step two, after the COPY: checked, keyed (a merchant named twice for one
-- domain is a unique violation on restore_counts_key), the previous
-- snapshot's other rows carried, attached, audited, totalled. Returns the
-- snapshot as recorded.
CREATE FUNCTION warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean) RETURNS restore_snapshots
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

REVOKE EXECUTE ON FUNCTION warroom_restore_stage(bigint, text, text, timestamptz),
    warroom_restore_commit(bigint, boolean), warroom_restore_sums(text, bigint, bigint), warroom_restore_writer() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_restore_stage(bigint, text, text, timestamptz), warroom_restore_commit(bigint, boolean)
    TO warroom_commander, warroom_engineer;

-- +goose Down
DROP FUNCTION warroom_restore_stage(bigint, text, text, timestamptz), warroom_restore_commit(bigint, boolean),
    warroom_restore_sums(text, bigint, bigint), warroom_restore_writer(), warroom_restore_small_rows();
DROP TABLE milestone_domains, restore_totals, restore_counts, restore_snapshots;
ALTER TABLE milestones DROP CONSTRAINT milestones_id_incident_key;
