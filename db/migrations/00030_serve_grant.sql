-- `warroom serve grant NAME` / `revoke NAME` (issue 16, SECURITY.md
-- "Serving the console over SSH"): a commander lets the serve
-- authenticator act for a person added after it was set up, or stops it,
-- without the database owner's plain SQL.
--
-- Only a commander may, and only within these bounds: the person is an
-- active warroom user of this database with a login, not a superuser, not
-- the schema owner (nor a member of it), not an authenticator, with no
-- power beyond a warroom role's (CREATEROLE, BYPASSRLS, REPLICATION, a
-- built-in pg_ role); the
-- authenticator is a NOINHERIT, non-superuser login in
-- warroom_authenticator. So a commander can hand the authenticator people,
-- never a group role (warroom_commander), the owner or a superuser, and
-- cannot make an ordinary login into something that acts for others.
-- Every grant and revoke is a row of serve_grants, and so in the audit.

-- +goose Up

CREATE TABLE serve_grants (
    id            bigserial PRIMARY KEY,
    authenticator text NOT NULL,
    person        text NOT NULL,
    op            text NOT NULL CHECK (op IN ('grant', 'revoke')),
    by_login      text NOT NULL DEFAULT warroom_actor(),
    at            timestamptz NOT NULL DEFAULT now()
);
SELECT warroom_protect_table('serve_grants', ARRAY[]::text[]);

-- +goose StatementBegin
-- The checks both functions share: the caller is a commander, and
-- p_authenticator is a safe authenticator login.
CREATE FUNCTION warroom_serve_grant_check(p_authenticator text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT warroom_has_role('commander') THEN
        RAISE EXCEPTION '% may not change who the console server acts for: commanders only', warroom_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_authenticator IS NULL OR p_authenticator = 'warroom_authenticator' OR NOT EXISTS (
        SELECT 1 FROM pg_roles r
        WHERE r.rolname = p_authenticator AND r.rolcanlogin AND NOT r.rolinherit AND NOT r.rolsuper
          AND pg_has_role(r.oid, 'warroom_authenticator', 'MEMBER')
          AND NOT pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER'))
    THEN
        RAISE EXCEPTION '% is not a console server login (a NOINHERIT login in warroom_authenticator)', p_authenticator
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION warroom_serve_grant(p_person text, p_authenticator text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM warroom_serve_grant_check(p_authenticator);
    IF NOT EXISTS (
        SELECT 1 FROM warroom_users u JOIN pg_roles r ON r.rolname = u.name
        WHERE u.name = p_person AND u.active AND u.revoked_at IS NULL
          AND r.rolcanlogin AND NOT r.rolsuper
          -- no powers beyond a warroom role's: the authenticator must not
          -- become a login that creates roles, passes row security,
          -- replicates or holds a built-in pg_ role
          AND NOT r.rolcreaterole AND NOT r.rolbypassrls AND NOT r.rolreplication
          AND NOT EXISTS (SELECT 1 FROM pg_roles b
                          WHERE b.rolname LIKE 'pg\_%' AND pg_has_role(r.oid, b.oid, 'MEMBER'))
          AND NOT pg_has_role(r.oid, 'warroom_authenticator', 'MEMBER')
          AND NOT pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER'))
    THEN
        RAISE EXCEPTION '% is not an active warroom user the console server may act for', p_person
            USING ERRCODE = 'no_data_found';
    END IF;
    IF pg_has_role(p_authenticator, p_person, 'MEMBER') THEN
        RETURN false; -- already
    END IF;
    EXECUTE format('GRANT %I TO %I', p_person, p_authenticator);
    INSERT INTO serve_grants (authenticator, person, op) VALUES (p_authenticator, p_person, 'grant');
    RETURN true;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Revoking is the safe direction: any person of warroom_users, active or
-- not, may be taken from the authenticator. Sessions already open keep
-- running until they end; the next login is refused.
CREATE FUNCTION warroom_serve_revoke(p_person text, p_authenticator text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM warroom_serve_grant_check(p_authenticator);
    IF NOT EXISTS (SELECT 1 FROM warroom_users u JOIN pg_roles r ON r.rolname = u.name WHERE u.name = p_person) THEN
        RAISE EXCEPTION '% is not a warroom user', p_person USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                   WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = p_person)
                     AND m.member = (SELECT oid FROM pg_roles WHERE rolname = p_authenticator)) THEN
        RETURN false; -- not granted
    END IF;
    EXECUTE format('REVOKE %I FROM %I', p_person, p_authenticator);
    -- From PostgreSQL 16 a REVOKE removes only the grants its own role
    -- made: one made by another (a superuser at setup) would stay while
    -- this said it was gone. Refuse rather than say so.
    IF pg_has_role(p_authenticator, p_person, 'MEMBER') THEN
        RAISE EXCEPTION '% still acts for %: another role granted it; that role (or a superuser) must revoke it', p_authenticator, p_person
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO serve_grants (authenticator, person, op) VALUES (p_authenticator, p_person, 'revoke');
    RETURN true;
END $$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION warroom_serve_grant_check(text), warroom_serve_grant(text, text), warroom_serve_revoke(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_serve_grant(text, text), warroom_serve_revoke(text, text) TO warroom_commander;

-- +goose Down
DROP FUNCTION warroom_serve_revoke(text, text);
DROP FUNCTION warroom_serve_grant(text, text);
DROP FUNCTION warroom_serve_grant_check(text);
DROP TABLE serve_grants;
