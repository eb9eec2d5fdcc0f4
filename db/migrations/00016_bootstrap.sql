-- Starting a war room without a superuser (see SECURITY.md, "Logins").
--
-- A superuser creates the database's owner (a login with CREATEROLE) and
-- the database; the owner migrates it and names the first commanders with
-- `warroom init`, which calls warroom_bootstrap. Once an active commander
-- exists the owner can no longer add one this way: commanders add users,
-- and a second commander approves each role. If every commander has been
-- revoked, the owner can start again the same way.

-- +goose Up

-- +goose StatementBegin
CREATE FUNCTION warroom_bootstrap(p_names text[], p_verifiers text[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    owner oid := (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass);
    i     int;
BEGIN
    IF NOT (COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
            OR pg_has_role(session_user, owner, 'MEMBER')) THEN
        RAISE EXCEPTION '% may not name the first commanders: the owner of the warroom schema (%) does',
            session_user, pg_get_userbyid(owner) USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Two owners running init at once: the second waits, then sees the first's commanders.
    LOCK TABLE warroom_users IN SHARE ROW EXCLUSIVE MODE;
    IF EXISTS (SELECT 1 FROM warroom_users WHERE role = 'commander' AND active AND revoked_at IS NULL) THEN
        RAISE EXCEPTION 'this database has an active commander already: commanders add users (warroom user add)'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF COALESCE(cardinality(p_names), 0) = 0 OR cardinality(p_names) <> COALESCE(cardinality(p_verifiers), -1) THEN
        RAISE EXCEPTION 'name at least one commander, each with a password verifier' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. cardinality(p_names) LOOP
        IF p_names[i] IS NULL OR p_names[i] !~ '^[a-z][a-z0-9_]{0,47}$' OR p_names[i] ~ '^(pg_|warroom_)'
           OR p_names[i] IN ('postgres', 'public') THEN
            RAISE EXCEPTION 'user name %: lower-case letters, digits and _, starting with a letter, not pg_ or warroom_', p_names[i]
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_verifiers[i] IS NULL OR p_verifiers[i] !~ '^SCRAM-SHA-256\$' THEN
            RAISE EXCEPTION 'password of % must be a SCRAM-SHA-256 verifier', p_names[i] USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_names[i]) THEN
            RAISE EXCEPTION 'a role named % already exists on this server', p_names[i] USING ERRCODE = 'duplicate_object';
        END IF;
        EXECUTE format('CREATE ROLE %I LOGIN INHERIT PASSWORD %L', p_names[i], p_verifiers[i]);
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_names[i]);
        EXECUTE format('GRANT warroom_commander TO %I', p_names[i]);
        INSERT INTO warroom_users (name, role, active, created_by) VALUES (p_names[i], 'commander', true, session_user);
    END LOOP;
END $$;
-- +goose StatementEnd

REVOKE EXECUTE ON FUNCTION warroom_bootstrap(text[], text[]) FROM PUBLIC;

-- +goose Down
DROP FUNCTION warroom_bootstrap(text[], text[]);
