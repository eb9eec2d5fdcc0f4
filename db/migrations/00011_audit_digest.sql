-- A cheaper digest for bulk statements. The audit trigger of 00004 read the
-- transition table twice (a count, then the digest) and digested each row
-- as the MD5 of its text form: printing a million rows' timestamps and
-- numerics to text cost 1.5-2 s of a million-row import or claims run.
-- Now one pass counts and digests, and a row's digest is PostgreSQL's own
-- 64-bit hash of the row's values (hash_record_extended, the hash that
-- hash partitioning relies on staying stable), summed so the digest does
-- not depend on row order. Entries written before this keep their
-- "sum-md5-60:" digests; the chain (audit verify) is unchanged.
-- Neither digest resists a deliberate forgery: the hash chain does that
-- for the trail; the digest fingerprints what a bulk statement wrote.
-- Every audited statement, not only a bulk one, now hashes its rows, so an
-- audited table's columns must all have a hash function (json and point,
-- for instance, do not) or every write to it fails: db/migrate_test.go
-- checks them. hash_numeric ignores display scale (1.0 and 1.00 hash
-- alike), which the text's MD5 did not.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_audit_statement() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
DECLARE
    rel   text;
    n     bigint;
    body  jsonb;
    dig   numeric;
    lo    bigint;
    hi    bigint;
    imin  bigint;
    imax  bigint;
    bef   jsonb;
    aft   jsonb;
    incol text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'id' ELSE 'incident_id' END;
    inc   text;
BEGIN
    inc := CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID AND attname = incol
                             AND NOT attisdropped) THEN format('x.%I', incol) ELSE 'NULL::bigint' END;
    FOREACH rel IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows']
                                    WHEN 'DELETE' THEN ARRAY['old_rows']
                                    ELSE ARRAY['old_rows', 'new_rows'] END LOOP
        EXECUTE format('SELECT count(*), sum(pg_catalog.hash_record_extended(x, 0::bigint)), min(%s), max(%s) FROM %I x',
                       inc, inc, rel) INTO n, dig, lo, hi;
        IF n = 0 THEN
            RETURN NULL; -- the statement changed nothing
        END IF;
        IF n <= warroom_audit_detail_rows() THEN
            EXECUTE format('SELECT jsonb_agg(to_jsonb(x)) FROM %I x', rel) INTO body;
        ELSE
            body := jsonb_build_object('rows', n, 'digest', 'sum-hash64:' || dig::text);
        END IF;
        IF rel = 'old_rows' THEN bef := body; ELSE aft := body; END IF;
        imin := LEAST(imin, lo);
        imax := GREATEST(imax, hi);
    END LOOP;
    INSERT INTO audit_log (table_name, op, incident_id, rows, before, after)
    VALUES (TG_TABLE_NAME, TG_OP, CASE WHEN imin = imax THEN imin END, n, bef, aft);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_audit_statement() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
DECLARE
    rel   text;
    n     bigint;
    body  jsonb;
    lo    bigint;
    hi    bigint;
    imin  bigint;
    imax  bigint;
    bef   jsonb;
    aft   jsonb;
    incol text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'id' ELSE 'incident_id' END;
    inc   text;
BEGIN
    inc := CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID AND attname = incol
                             AND NOT attisdropped) THEN format('x.%I', incol) ELSE 'NULL::bigint' END;
    FOREACH rel IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows']
                                    WHEN 'DELETE' THEN ARRAY['old_rows']
                                    ELSE ARRAY['old_rows', 'new_rows'] END LOOP
        EXECUTE format('SELECT count(*) FROM %I', rel) INTO n;
        IF n = 0 THEN
            RETURN NULL;
        END IF;
        IF n <= warroom_audit_detail_rows() THEN
            EXECUTE format('SELECT jsonb_agg(to_jsonb(x)), min(%s), max(%s) FROM %I x', inc, inc, rel)
                INTO body, lo, hi;
        ELSE
            EXECUTE format($q$SELECT jsonb_build_object('rows', count(*), 'digest',
                    'sum-md5-60:' || sum(('x' || substr(md5(x::text), 1, 15))::bit(60)::bigint)::text),
                min(%s), max(%s) FROM %I x$q$, inc, inc, rel) INTO body, lo, hi;
        END IF;
        IF rel = 'old_rows' THEN bef := body; ELSE aft := body; END IF;
        imin := LEAST(imin, lo);
        imax := GREATEST(imax, hi);
    END LOOP;
    INSERT INTO audit_log (table_name, op, incident_id, rows, before, after)
    VALUES (TG_TABLE_NAME, TG_OP, CASE WHEN imin = imax THEN imin END, n, bef, aft);
    RETURN NULL;
END $$;
-- +goose StatementEnd
