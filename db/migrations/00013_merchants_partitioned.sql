-- Merchants partitioned by incident, so that an incident's first merchants
-- import loads a table of its own and indexes it in bulk (issue 4: the
-- import beside psql \copy; README, Compensation at scale). The same move
-- as 00012 for claims:
--   * the old table becomes the DEFAULT partition (merchants_default): it
--     keeps every merchant imported before this migration, and later
--     imports into an incident that already has merchants there;
--   * the keys include the partition key: PRIMARY KEY (id, incident_id)
--     (ids still come from one sequence, and nothing refers to merchants by
--     a foreign key since 00007), UNIQUE (incident_id, merchant_id) as
--     before;
--   * the triggers move to the parent; partitions grant warroom's roles
--     SELECT only and carry warroom_protect_table's own triggers.
-- A first import: warroom_stage_merchants creates merchants_i<incident>
-- bare and lets the importing login (only it, until the transaction ends)
-- COPY into it; warroom_attach_merchants then checks and indexes it, and
-- attaches it, writing the audit row and notification the parent's
-- triggers would have. compensation/import_merchants.go drives both.

-- +goose Up

DROP TRIGGER audit_insert ON merchants;
DROP TRIGGER audit_update ON merchants;
DROP TRIGGER audit_delete ON merchants;
DROP TRIGGER cascade_delete ON merchants;
DROP TRIGGER check_ref_update ON merchants;
DROP TRIGGER check_refs ON merchants;
DROP TRIGGER key_change ON merchants;
DROP TRIGGER lock_children ON merchants;
DROP TRIGGER no_delete ON merchants;
DROP TRIGGER notify_insert ON merchants;
DROP TRIGGER notify_update ON merchants;
DROP TRIGGER notify_delete ON merchants;

ALTER TABLE merchants DROP CONSTRAINT merchants_pkey;
ALTER TABLE merchants RENAME TO merchants_default;
ALTER INDEX merchants_incident_id_merchant_id_key RENAME TO merchants_default_incident_id_merchant_id_key;
ALTER INDEX merchants_incident_industry RENAME TO merchants_default_incident_industry;
REVOKE ALL ON merchants_default FROM warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;
SELECT warroom_protect_table('merchants_default', ARRAY[]::text[]);

CREATE TABLE merchants (LIKE merchants_default INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY LIST (incident_id);
ALTER TABLE merchants ADD CONSTRAINT merchants_pkey PRIMARY KEY (id, incident_id),
    ADD CONSTRAINT merchants_incident_id_merchant_id_key UNIQUE (incident_id, merchant_id);
CREATE INDEX merchants_incident_industry ON merchants (incident_id, industry);
ALTER SEQUENCE merchants_id_seq OWNED BY merchants.id;
ALTER TABLE merchants ATTACH PARTITION merchants_default DEFAULT;

-- Grants, audit and no-delete triggers, as for every table (00004).
SELECT warroom_protect_table('merchants', ARRAY['commander', 'finance']);
-- Ids come from the sequence only, as for claims (00012).
REVOKE INSERT ON merchants FROM warroom_commander, warroom_finance;
GRANT INSERT (incident_id, merchant_id, name, industry, created_at) ON merchants TO warroom_commander, warroom_finance;

CREATE TRIGGER cascade_delete AFTER DELETE ON merchants
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_cascade_delete();
CREATE TRIGGER check_refs AFTER INSERT ON merchants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_check_refs();
-- A merchant's keys never change. Its incident could, to another existing
-- incident, before (check_ref_update); now that would move the row to
-- another partition, as a DELETE and an INSERT that no row-level UPDATE
-- trigger sees, so it is refused before it happens.
CREATE TRIGGER key_change BEFORE UPDATE OF id, incident_id ON merchants FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.incident_id IS DISTINCT FROM OLD.incident_id)
    EXECUTE FUNCTION warroom_refuse_key_change('merchants');
CREATE TRIGGER lock_children BEFORE DELETE ON merchants
    FOR EACH STATEMENT EXECUTE FUNCTION warroom_lock_children();
CREATE TRIGGER notify_insert AFTER INSERT ON merchants
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();
CREATE TRIGGER notify_update AFTER UPDATE ON merchants
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();
CREATE TRIGGER notify_delete AFTER DELETE ON merchants
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();

-- +goose StatementBegin
-- A first import, step one: the incident's own table, bare (no key, index,
-- check or trigger), which the importing login may fill with COPY until its
-- transaction ends. Returns its name, or NULL when the incident already
-- has merchants or a partition (the caller then imports through merchants).
CREATE FUNCTION warroom_stage_merchants(p_incident bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    part text := 'merchants_i' || p_incident;
BEGIN
    IF NOT has_any_column_privilege(session_user, 'public.merchants', 'INSERT') THEN
        RAISE EXCEPTION 'permission denied for table merchants' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- One first import at a time, whatever the incident, before anything
    -- is read (see warroom_compute_first_claims, 00012); ROW EXCLUSIVE on
    -- merchants, as a COPY into it takes, queues behind an incident's
    -- deletion (warroom_lock_children).
    PERFORM pg_advisory_xact_lock(hashtext('warroom_attach_partition'), hashtext('merchants'));
    LOCK TABLE merchants IN ROW EXCLUSIVE MODE;
    PERFORM 1 FROM incidents WHERE id = p_incident FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'insert or update on table "merchants" violates foreign key: incident % does not exist', p_incident
            USING ERRCODE = 'foreign_key_violation', TABLE = 'merchants', CONSTRAINT = 'merchants_incident_id_fkey';
    END IF;
    -- A table staged by a transaction that committed without attaching it
    -- (by hand: the importer attaches in the same transaction) is no
    -- incident's merchants: it goes.
    IF to_regclass(format('public.%I', part)) IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(format('public.%I', part))) THEN
        EXECUTE format('DROP TABLE public.%I', part);
    END IF;
    IF to_regclass(format('public.%I', part)) IS NOT NULL
       OR EXISTS (SELECT 1 FROM merchants WHERE incident_id = p_incident) THEN
        RETURN NULL;
    END IF;
    EXECUTE format('CREATE TABLE public.%I (LIKE public.merchants INCLUDING DEFAULTS)', part);
    EXECUTE format('ALTER TABLE public.%I ALTER incident_id SET DEFAULT %s', part, p_incident);
    EXECUTE format('GRANT INSERT ON public.%I TO %I', part, session_user);
    RETURN part;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Step two, after the COPY: the COPY grant revoked, then checked, indexed
-- and attached by warroom_attach_partition (00012), which writes the audit
-- row and notification of the parent's INSERT triggers (their reference
-- check is the incident locked in step one, and the partition bound).
-- Returns the number of merchants.
CREATE FUNCTION warroom_attach_merchants(p_incident bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET work_mem = '128MB' SET maintenance_work_mem = '256MB' AS $$
DECLARE
    part text := 'merchants_i' || p_incident;
BEGIN
    IF NOT has_any_column_privilege(session_user, 'public.merchants', 'INSERT') THEN
        RAISE EXCEPTION 'permission denied for table merchants' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Only a table this transaction staged: one staged earlier could have
    -- been written to, without audit, by its stager after that commit.
    IF to_regclass(format('public.%I', part)) IS NULL
       OR EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(format('public.%I', part)))
       OR (SELECT xmin FROM pg_class WHERE oid = to_regclass(format('public.%I', part))) <> pg_current_xact_id()::xid THEN
        RAISE EXCEPTION 'no merchants staged for incident % in this transaction', p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    EXECUTE format('REVOKE INSERT ON public.%I FROM %I', part, session_user);
    RETURN warroom_attach_partition('public.merchants', part, p_incident, 'industry');
END $$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_stage_merchants(bigint), warroom_attach_merchants(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_stage_merchants(bigint), warroom_attach_merchants(bigint)
    TO warroom_commander, warroom_finance;

-- +goose Down
DROP FUNCTION warroom_stage_merchants(bigint), warroom_attach_merchants(bigint);
-- +goose StatementBegin
DO $$
DECLARE
    p regclass;
BEGIN
    FOR p IN SELECT i.inhrelid::regclass FROM pg_inherits i
             WHERE i.inhparent = 'merchants'::regclass AND i.inhrelid <> 'merchants_default'::regclass LOOP
        EXECUTE format('ALTER TABLE merchants DETACH PARTITION %s', p);
        EXECUTE format('INSERT INTO merchants_default SELECT * FROM %s', p);
        EXECUTE format('DROP TABLE %s', p);
    END LOOP;
END $$;
-- +goose StatementEnd
ALTER TABLE merchants DETACH PARTITION merchants_default;
ALTER SEQUENCE merchants_id_seq OWNED BY merchants_default.id;
DROP TABLE merchants;
DROP TRIGGER audit_insert ON merchants_default;
DROP TRIGGER audit_update ON merchants_default;
DROP TRIGGER audit_delete ON merchants_default;
DROP TRIGGER no_delete ON merchants_default;
ALTER TABLE merchants_default DROP CONSTRAINT merchants_default_pkey;
ALTER TABLE merchants_default RENAME TO merchants;
ALTER TABLE merchants ADD CONSTRAINT merchants_pkey PRIMARY KEY (id);
ALTER INDEX merchants_default_incident_id_merchant_id_key RENAME TO merchants_incident_id_merchant_id_key;
ALTER INDEX merchants_default_incident_industry RENAME TO merchants_incident_industry;
SELECT warroom_protect_table('merchants', ARRAY['commander', 'finance']);
CREATE TRIGGER cascade_delete AFTER DELETE ON merchants
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_cascade_delete();
CREATE TRIGGER check_ref_update AFTER UPDATE OF incident_id ON merchants FOR EACH ROW
    WHEN (NEW.incident_id IS DISTINCT FROM OLD.incident_id) EXECUTE FUNCTION warroom_check_ref_row();
CREATE TRIGGER check_refs AFTER INSERT ON merchants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_check_refs();
CREATE TRIGGER key_change BEFORE UPDATE OF id ON merchants FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION warroom_refuse_key_change();
CREATE TRIGGER lock_children BEFORE DELETE ON merchants
    FOR EACH STATEMENT EXECUTE FUNCTION warroom_lock_children();
CREATE TRIGGER notify_insert AFTER INSERT ON merchants
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();
CREATE TRIGGER notify_update AFTER UPDATE ON merchants
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();
CREATE TRIGGER notify_delete AFTER DELETE ON merchants
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk();
