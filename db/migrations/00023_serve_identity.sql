-- `warroom serve` (issue 16, SECURITY.md "Serving the console over SSH"):
-- one authenticator login acts for each SSH session's person with SET ROLE,
-- PostgREST's pattern, and the database still names the person everywhere
-- it named the login: authors, the audit's login and actor, role checks.
--
-- Under SET ROLE, current_user is the person and session_user the
-- authenticator; inside a SECURITY DEFINER function current_user is the
-- schema owner, but the `role` setting still names the person. So the person
-- is current_setting('role') when the session's login is an authenticator
-- (a member of the NOLOGIN marker role warroom_authenticator) and has set a
-- role, and session_user otherwise. Anyone else's SET ROLE (a commander
-- switching to warroom_commander, say) changes nothing: they stay themselves.
--
-- An authenticator is created NOINHERIT: it can SET ROLE to the people it
-- was granted, and holds none of their privileges itself.

-- +goose Up

-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'warroom_authenticator') THEN
        BEGIN
            CREATE ROLE warroom_authenticator NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- another database on this cluster created it a moment ago
        END;
    END IF;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION warroom_login() RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN pg_catalog.current_setting('role') <> 'none'
                 AND pg_catalog.pg_has_role(session_user, 'warroom_authenticator', 'MEMBER')
           THEN pg_catalog.current_setting('role')
           ELSE session_user::text END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_actor() RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = public.warroom_login())
                THEN COALESCE(NULLIF(current_setting('warroom.actor', true), ''), public.warroom_login())
                ELSE public.warroom_login() END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- USAGE, not MEMBER: an authenticator is a member of every group its people
-- are in, but holds none of their privileges (NOINHERIT), and without SET
-- ROLE it must hold no warroom role either. For an ordinary (INHERIT) login
-- the two answers are the same.
CREATE OR REPLACE FUNCTION warroom_has_role(role text) RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = public.warroom_login()), false)
        OR (EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'warroom_' || role)
            AND pg_catalog.pg_has_role(public.warroom_login(), 'warroom_' || role, 'USAGE'))
$$;
-- +goose StatementEnd

ALTER TABLE audit_log ALTER COLUMN login SET DEFAULT warroom_login();

-- Logins and logouts of the console over SSH. Written only by the two
-- functions below, for the session's own person.
CREATE TABLE serve_sessions (
    id              bigserial PRIMARY KEY,
    login           text NOT NULL DEFAULT warroom_login(),
    key_fingerprint text NOT NULL,
    remote          text NOT NULL DEFAULT '',
    started_at      timestamptz NOT NULL DEFAULT now(),
    ended_at        timestamptz,
    end_reason      text
);
SELECT warroom_protect_table('serve_sessions', ARRAY[]::text[]);

-- +goose StatementBegin
CREATE FUNCTION warroom_serve_login(p_fingerprint text, p_remote text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    id bigint;
BEGIN
    IF NOT (warroom_has_role('commander') OR warroom_has_role('engineer') OR warroom_has_role('finance')
            OR warroom_has_role('viewer')) THEN
        RAISE EXCEPTION '% holds no warroom role: no console session', warroom_login()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO serve_sessions (login, key_fingerprint, remote)
    VALUES (warroom_login(), btrim(COALESCE(p_fingerprint, '')), btrim(COALESCE(p_remote, '')))
    RETURNING serve_sessions.id INTO id;
    RETURN id;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION warroom_serve_logout(p_id bigint, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE serve_sessions SET ended_at = now(), end_reason = btrim(COALESCE(p_reason, ''))
    WHERE id = p_id AND login = warroom_login() AND ended_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'console session % is not an open session of %', p_id, warroom_login()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION warroom_serve_login(text, text), warroom_serve_logout(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_serve_login(text, text), warroom_serve_logout(bigint, text)
    TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;

-- +goose Down
DROP FUNCTION warroom_serve_logout(bigint, text);
DROP FUNCTION warroom_serve_login(text, text);
DROP TABLE serve_sessions;
ALTER TABLE audit_log ALTER COLUMN login SET DEFAULT session_user;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_has_role(role text) RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user), false)
        OR (EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'warroom_' || role)
            AND pg_catalog.pg_has_role(session_user, 'warroom_' || role, 'MEMBER'))
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_actor() RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user)
                THEN COALESCE(NULLIF(current_setting('warroom.actor', true), ''), session_user::text)
                ELSE session_user::text END
$$;
-- +goose StatementEnd
DROP FUNCTION warroom_login();
