-- Speed for million-row imports and claims computations (issue 4), with the
-- same integrity, enforced by the database.
--
-- Measured on 2 vCPU, PG 15, 1M rows (warroom bench; see README):
--   * The row-level foreign keys merchants -> incidents, claims -> incidents
--     and claims -> merchants ran one SPI lookup per inserted row: about 4 s
--     of a 6 s COPY of 1M merchants, and more of a 1M-claim compute. They
--     are replaced by statement-level checks over the transition tables
--     (one anti-join per statement) and statement-level cascades. What the
--     database guarantees is unchanged:
--       - a merchant row names an existing incident; a claim an existing
--         incident and merchant (checked at the end of every INSERT
--         statement, and per row, in C-evaluated WHEN clauses, for UPDATEs
--         that change those columns): SQLSTATE 23503, like the FK;
--       - deleting an incident deletes its merchants and claims; deleting a
--         merchant deletes its claim (payouts still cascade from claims by
--         their own foreign key);
--       - incident and merchant ids never change (refused, 23503).
--     Concurrency: a writer locks the incidents it names FOR KEY SHARE, as
--     the foreign key did. A delete of incidents or merchants (superusers
--     only, see warroom_refuse_delete) first takes SHARE ROW EXCLUSIVE on
--     the child tables, so it waits for writers in flight and blocks new
--     ones until it commits; its cascade then sees every committed child.
--     That needs READ COMMITTED for the delete (refused otherwise). Writers
--     under REPEATABLE READ or SERIALIZABLE also lock the merchants their
--     claims name FOR KEY SHARE, so a delete committed after their snapshot
--     is a serialization failure, never an orphan; READ COMMITTED writers
--     (the default, and what warroom uses) re-check with a fresh snapshot
--     after any delete they waited for, so they skip that per-row lock.
--   * bump_version on claims ran a PL/pgSQL call per updated row. It now
--     fires only when the UPDATE did not already set version = old + 1
--     (the claims computation does), with the same result for every UPDATE.
--   * A one-industry recompute found the industry's merchants by scanning
--     all of the incident's: index (incident_id, industry).

-- +goose Up

ALTER TABLE merchants DROP CONSTRAINT merchants_incident_id_fkey;
ALTER TABLE claims DROP CONSTRAINT claims_incident_id_fkey;
ALTER TABLE claims DROP CONSTRAINT claims_merchant_id_fkey;

CREATE INDEX merchants_incident_industry ON merchants (incident_id, industry);

-- +goose StatementBegin
-- Child side: every row of the statement must name an existing parent.
-- SECURITY DEFINER: locking a parent row needs more than the writer's
-- grants (the foreign key's own checks ran as the table owner too).
CREATE FUNCTION warroom_check_refs() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    bad  bigint;
    want bigint;
    got  bigint;
    incs bigint[];
BEGIN
    -- The incidents named, locked as a foreign key locks its parent row.
    SELECT count(*) INTO want FROM (SELECT DISTINCT incident_id FROM new_rows) d;
    SELECT count(*) INTO got FROM (SELECT 1 FROM incidents i
        WHERE i.id IN (SELECT DISTINCT incident_id FROM new_rows) FOR KEY SHARE) l;
    IF got <> want THEN
        SELECT n.incident_id INTO bad FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = n.incident_id) LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "%" violates foreign key: incident % does not exist',
            TG_TABLE_NAME, bad USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
            CONSTRAINT = TG_TABLE_NAME || '_incident_id_fkey';
    END IF;
    IF TG_TABLE_NAME = 'claims' THEN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            PERFORM 1 FROM merchants m WHERE m.id IN (SELECT merchant_id FROM new_rows) FOR KEY SHARE;
        END IF;
        -- Fast path, scaled to the statement and not to the table: every
        -- claim's merchant found among its own incident's merchants (ids
        -- are unique, so the counts match only if all are). Otherwise the
        -- exact check below decides.
        -- The incidents go in as a literal so the plan reads only theirs.
        SELECT count(*), array_agg(DISTINCT incident_id) INTO want, incs FROM new_rows;
        EXECUTE format('SELECT count(*) FROM new_rows n JOIN merchants m
            ON m.id = n.merchant_id AND m.incident_id = n.incident_id
            WHERE m.incident_id = ANY (%L::bigint[])', incs) INTO got;
        IF got = want THEN
            RETURN NULL;
        END IF;
        SELECT n.merchant_id INTO bad FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM merchants m WHERE m.id = n.merchant_id) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'insert or update on table "claims" violates foreign key: merchant % does not exist', bad
                USING ERRCODE = 'foreign_key_violation', TABLE = 'claims', CONSTRAINT = 'claims_merchant_id_fkey';
        END IF;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The same check for one row, for the rare UPDATE that changes a reference.
CREATE FUNCTION warroom_check_ref_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM incidents WHERE id = NEW.incident_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update on table "%" violates foreign key: incident % does not exist',
            TG_TABLE_NAME, NEW.incident_id USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
            CONSTRAINT = TG_TABLE_NAME || '_incident_id_fkey';
    END IF;
    IF TG_TABLE_NAME = 'claims' THEN
        PERFORM 1 FROM merchants WHERE id = NEW.merchant_id FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'update on table "claims" violates foreign key: merchant % does not exist', NEW.merchant_id
                USING ERRCODE = 'foreign_key_violation', TABLE = 'claims', CONSTRAINT = 'claims_merchant_id_fkey';
        END IF;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER check_refs AFTER INSERT ON merchants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_check_refs();
CREATE TRIGGER check_refs AFTER INSERT ON claims
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_check_refs();
CREATE TRIGGER check_ref_update AFTER UPDATE OF incident_id ON merchants FOR EACH ROW
    WHEN (NEW.incident_id IS DISTINCT FROM OLD.incident_id) EXECUTE FUNCTION warroom_check_ref_row();
CREATE TRIGGER check_ref_update AFTER UPDATE OF incident_id, merchant_id ON claims FOR EACH ROW
    WHEN (NEW.incident_id IS DISTINCT FROM OLD.incident_id OR NEW.merchant_id IS DISTINCT FROM OLD.merchant_id)
    EXECUTE FUNCTION warroom_check_ref_row();

-- +goose StatementBegin
-- Parent side, before a DELETE: wait for and block child writers.
CREATE FUNCTION warroom_lock_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'delete from % in a READ COMMITTED transaction (its cascade must see every committed row)',
            TG_TABLE_NAME USING ERRCODE = 'serialization_failure';
    END IF;
    IF TG_TABLE_NAME = 'incidents' THEN
        LOCK TABLE merchants, claims IN SHARE ROW EXCLUSIVE MODE;
    ELSE
        LOCK TABLE claims IN SHARE ROW EXCLUSIVE MODE;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Parent side, after a DELETE: the cascade.
CREATE FUNCTION warroom_cascade_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'incidents' THEN
        DELETE FROM claims c USING old_rows o WHERE c.incident_id = o.id;
        DELETE FROM merchants m USING old_rows o WHERE m.incident_id = o.id;
    ELSE
        DELETE FROM claims c USING old_rows o WHERE c.merchant_id = o.id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION warroom_refuse_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.id % cannot change: other rows refer to it', TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME;
END $$;
-- +goose StatementEnd

CREATE TRIGGER lock_children BEFORE DELETE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION warroom_lock_children();
CREATE TRIGGER lock_children BEFORE DELETE ON merchants
    FOR EACH STATEMENT EXECUTE FUNCTION warroom_lock_children();
CREATE TRIGGER cascade_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_cascade_delete();
CREATE TRIGGER cascade_delete AFTER DELETE ON merchants
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_cascade_delete();
CREATE TRIGGER key_change BEFORE UPDATE OF id ON incidents FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION warroom_refuse_key_change();
CREATE TRIGGER key_change BEFORE UPDATE OF id ON merchants FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION warroom_refuse_key_change();

-- Every UPDATE of a claim still ends at version = old + 1; only an UPDATE
-- that already says so skips the function call.
DROP TRIGGER bump_version ON claims;
CREATE TRIGGER bump_version BEFORE UPDATE ON claims FOR EACH ROW
    WHEN (NEW.version IS DISTINCT FROM OLD.version + 1) EXECUTE FUNCTION warroom_bump_version();

REVOKE EXECUTE ON FUNCTION warroom_check_refs(), warroom_check_ref_row(), warroom_lock_children(),
    warroom_cascade_delete(), warroom_refuse_key_change() FROM PUBLIC;

-- +goose Down
DROP TRIGGER bump_version ON claims;
CREATE TRIGGER bump_version BEFORE UPDATE ON claims
    FOR EACH ROW EXECUTE FUNCTION warroom_bump_version();
DROP TRIGGER key_change ON merchants;
DROP TRIGGER key_change ON incidents;
DROP TRIGGER cascade_delete ON merchants;
DROP TRIGGER cascade_delete ON incidents;
DROP TRIGGER lock_children ON merchants;
DROP TRIGGER lock_children ON incidents;
DROP TRIGGER check_ref_update ON claims;
DROP TRIGGER check_ref_update ON merchants;
DROP TRIGGER check_refs ON claims;
DROP TRIGGER check_refs ON merchants;
DROP FUNCTION warroom_refuse_key_change, warroom_cascade_delete, warroom_lock_children,
    warroom_check_ref_row, warroom_check_refs;
DROP INDEX merchants_incident_industry;
ALTER TABLE claims ADD CONSTRAINT claims_merchant_id_fkey
    FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE;
ALTER TABLE claims ADD CONSTRAINT claims_incident_id_fkey
    FOREIGN KEY (incident_id) REFERENCES incidents (id) ON DELETE CASCADE;
ALTER TABLE merchants ADD CONSTRAINT merchants_incident_id_fkey
    FOREIGN KEY (incident_id) REFERENCES incidents (id) ON DELETE CASCADE;
