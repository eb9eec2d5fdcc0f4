-- Second authorisation for high-risk operations, voiding instead of
-- deleting, and login management (see SECURITY.md).
--
-- A high-risk operation is requested by one person and carried out when a
-- different person holding an approver role approves it. Both steps are
-- SECURITY DEFINER functions; the direct routes (UPDATE of a void column,
-- of a contribution, a payout above the threshold...) are refused by guards
-- for everyone but those functions and superusers.

-- +goose Up

-- Voided rows stay, with who, when, why and the approval that allowed it.
ALTER TABLE timeline_entries
    ADD COLUMN voided_at     timestamptz,
    ADD COLUMN voided_by     text,
    ADD COLUMN void_reason   text,
    ADD COLUMN void_approval bigint,
    ADD CONSTRAINT timeline_entries_void CHECK ((voided_at IS NULL) = (voided_by IS NULL));
ALTER TABLE milestones
    ADD COLUMN voided_at     timestamptz,
    ADD COLUMN voided_by     text,
    ADD COLUMN void_reason   text,
    ADD COLUMN void_approval bigint,
    ADD CONSTRAINT milestones_void CHECK ((voided_at IS NULL) = (voided_by IS NULL));

-- Payouts above this need a second authorisation. 10,000.00 by default.
ALTER TABLE funds ADD COLUMN payout_approval_fen bigint NOT NULL DEFAULT 1000000
    CHECK (payout_approval_fen >= 0);

-- +goose StatementBegin
CREATE FUNCTION warroom_refuse_unapproved(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% needs a second authorisation', what
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'request it (warroom approvals, access.Request) and have a different person approve it';
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Voiding, or editing a voided row, only through an approved request.
CREATE FUNCTION warroom_guard_void() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF warroom_privileged() THEN
        RETURN NEW;
    END IF;
    IF OLD.voided_at IS NOT NULL THEN
        RAISE EXCEPTION '% % is void and can no longer be changed', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.voided_at IS NOT NULL OR NEW.voided_by IS NOT NULL OR NEW.void_reason IS NOT NULL
       OR NEW.void_approval IS NOT NULL THEN
        PERFORM warroom_refuse_unapproved('voiding ' || TG_TABLE_NAME || ' ' || OLD.id);
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER guard_void BEFORE UPDATE ON timeline_entries
    FOR EACH ROW EXECUTE FUNCTION warroom_guard_void();
CREATE TRIGGER guard_void BEFORE UPDATE ON milestones
    FOR EACH ROW EXECUTE FUNCTION warroom_guard_void();

-- +goose StatementBegin
-- Money already received, a pledge, and the payout threshold change only
-- through an approved request.
CREATE FUNCTION warroom_guard_money() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF warroom_privileged() THEN
        RETURN NEW;
    END IF;
    CASE TG_TABLE_NAME
        WHEN 'contributions' THEN
            PERFORM warroom_refuse_unapproved('changing contribution ' || OLD.id);
        WHEN 'contributors' THEN
            IF NEW.pledged_fen IS DISTINCT FROM OLD.pledged_fen THEN
                PERFORM warroom_refuse_unapproved('changing the pledge of ' || OLD.name);
            END IF;
        WHEN 'funds' THEN
            IF NEW.payout_approval_fen IS DISTINCT FROM OLD.payout_approval_fen THEN
                PERFORM warroom_refuse_unapproved('changing the payout approval threshold');
            END IF;
    END CASE;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER guard_money BEFORE UPDATE ON contributions
    FOR EACH ROW EXECUTE FUNCTION warroom_guard_money();
CREATE TRIGGER guard_money BEFORE UPDATE ON contributors
    FOR EACH ROW EXECUTE FUNCTION warroom_guard_money();
CREATE TRIGGER guard_money BEFORE UPDATE ON funds
    FOR EACH ROW EXECUTE FUNCTION warroom_guard_money();

-- +goose StatementBegin
-- One check per statement, so a million-row COPY of small payouts costs a join.
CREATE FUNCTION warroom_guard_payouts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    big record;
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    SELECT n.claim_id, n.amount_fen, f.payout_approval_fen INTO big
    FROM new_rows n JOIN funds f ON f.incident_id = n.incident_id
    WHERE n.amount_fen > f.payout_approval_fen LIMIT 1;
    IF FOUND THEN
        PERFORM warroom_refuse_unapproved(format('a payout of %s fen on claim %s (above %s)',
            big.amount_fen, big.claim_id, big.payout_approval_fen));
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER guard_threshold AFTER INSERT ON payouts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_guard_payouts();

-- +goose StatementBegin
-- A margin rate is a new row (migration 00003); the first rate of an
-- industry is set directly, a different one replacing it needs approval.
CREATE FUNCTION warroom_guard_margin_rates() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed record;
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    SELECT n.industry INTO changed FROM new_rows n
    WHERE EXISTS (SELECT 1 FROM margin_rates r WHERE r.incident_id = n.incident_id
                  AND r.industry = n.industry AND r.id < n.id)
    LIMIT 1;
    IF FOUND THEN
        PERFORM warroom_refuse_unapproved('changing the margin rate of ' || changed.industry);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
BEGIN
    IF to_regclass('public.margin_rates') IS NOT NULL THEN
        CREATE TRIGGER guard_change AFTER INSERT ON margin_rates
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_guard_margin_rates();
    END IF;
END $$;
-- +goose StatementEnd

-- What can be requested, by whom, approved by whom, and the function that
-- carries it out: executor(approvals) RETURNS jsonb, SECURITY DEFINER.
CREATE TABLE warroom_operations (
    op          text PRIMARY KEY CHECK (op ~ '^[a-z][a-z_]{0,40}$'),
    requesters  text[] NOT NULL,
    approvers   text[] NOT NULL CHECK (cardinality(approvers) > 0),
    executor    regprocedure NOT NULL,
    required    text[] NOT NULL DEFAULT '{}', -- payload keys
    description text NOT NULL
);

CREATE TABLE approvals (
    id            bigserial PRIMARY KEY,
    incident_id   bigint REFERENCES incidents (id) ON DELETE CASCADE,
    op            text NOT NULL REFERENCES warroom_operations (op),
    payload       jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    reason        text NOT NULL CHECK (btrim(reason) <> ''),
    requested_by  text NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by    text,
    decided_at    timestamptz,
    decision_note text NOT NULL DEFAULT '',
    result        jsonb,
    CHECK (expires_at > requested_at),
    CHECK ((state = 'pending') = (decided_by IS NULL)),
    -- The rule itself, in the schema: nobody approves their own request
    -- (withdrawing it, a rejection, is fine).
    CONSTRAINT approvals_not_self CHECK (state <> 'approved' OR decided_by <> requested_by)
);
CREATE INDEX approvals_pending ON approvals (expires_at) WHERE state = 'pending';

-- The logins of this database (roles are cluster-wide; this says which
-- belong here). Written only by the user functions below.
CREATE TABLE warroom_users (
    name       text PRIMARY KEY,
    role       text NOT NULL CHECK (role IN ('commander', 'engineer', 'finance', 'viewer')),
    active     boolean NOT NULL DEFAULT false, -- holds the role (after approval)
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_by text,
    revoked_at timestamptz
);

SELECT warroom_protect_table('warroom_operations', ARRAY[]::text[]);
SELECT warroom_protect_table('approvals', ARRAY[]::text[]);
SELECT warroom_protect_table('warroom_users', ARRAY[]::text[]);

-- +goose StatementBegin
-- Who the decision is attributed to: the login (superusers: their
-- warroom.actor, so the single-user embedded database can still show two people).
CREATE FUNCTION warroom_has_any_role(roles text[]) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM unnest(roles) r WHERE warroom_has_role(r))
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text,
                                p_ttl interval DEFAULT interval '24 hours')
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    o   warroom_operations;
    k   text;
    id  bigint;
BEGIN
    SELECT * INTO o FROM warroom_operations WHERE op = p_op;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown operation %', p_op USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT warroom_has_any_role(o.requesters) THEN
        RAISE EXCEPTION '% may not request %: needs one of the roles %', warroom_actor(), p_op, o.requesters
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_payload IS NULL OR jsonb_typeof(p_payload) <> 'object' THEN
        RAISE EXCEPTION 'payload must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH k IN ARRAY o.required LOOP
        IF NOT p_payload ? k THEN
            RAISE EXCEPTION 'payload of % lacks %', p_op, k USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    IF p_ttl IS NULL OR p_ttl < interval '1 minute' OR p_ttl > interval '7 days' THEN
        RAISE EXCEPTION 'a request lasts between 1 minute and 7 days, not %', p_ttl
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO approvals (incident_id, op, payload, reason, requested_by, expires_at)
    VALUES (p_incident, p_op, p_payload, btrim(COALESCE(p_reason, '')), warroom_actor(), now() + p_ttl)
    RETURNING approvals.id INTO id;
    RETURN id;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Approves and carries out a request in the caller's transaction: both land
-- or neither. Refuses the requester, the wrong role, and expired or decided requests.
CREATE FUNCTION warroom_approve(p_id bigint, p_note text DEFAULT '')
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r   approvals;
    o   warroom_operations;
    me  text := warroom_actor();
    res jsonb;
BEGIN
    SELECT * INTO r FROM approvals WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'approval request % not found', p_id USING ERRCODE = 'no_data_found';
    END IF;
    IF r.state <> 'pending' THEN
        RAISE EXCEPTION 'approval request % is already %', p_id, r.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF r.expires_at <= now() THEN
        RAISE EXCEPTION 'approval request % expired at %', p_id, r.expires_at
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF me = r.requested_by THEN
        RAISE EXCEPTION '% requested % and cannot approve it: a different person must', me, p_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO o FROM warroom_operations WHERE op = r.op;
    IF NOT warroom_has_any_role(o.approvers) THEN
        RAISE EXCEPTION '% may not approve %: needs one of the roles %', me, r.op, o.approvers
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('SELECT %s($1)', o.executor::oid::regproc) INTO res USING r;
    UPDATE approvals SET state = 'approved', decided_by = me, decided_at = now(),
        decision_note = btrim(COALESCE(p_note, '')), result = res
    WHERE id = p_id;
    RETURN res;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A requester may withdraw their own request; anyone who could approve it may reject it.
CREATE FUNCTION warroom_reject(p_id bigint, p_note text DEFAULT '')
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r  approvals;
    me text := warroom_actor();
BEGIN
    SELECT * INTO r FROM approvals WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'approval request % not found', p_id USING ERRCODE = 'no_data_found';
    END IF;
    IF r.state <> 'pending' THEN
        RAISE EXCEPTION 'approval request % is already %', p_id, r.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF me <> r.requested_by AND NOT warroom_has_any_role(
            (SELECT approvers FROM warroom_operations WHERE op = r.op)) THEN
        RAISE EXCEPTION '% may not reject %', me, r.op USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE approvals SET state = 'rejected', decided_by = me, decided_at = now(),
        decision_note = btrim(COALESCE(p_note, ''))
    WHERE id = p_id;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION warroom_payload_id(r approvals, key text) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (r.payload ->> key)::bigint;
EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
    RAISE EXCEPTION 'payload %: % is not a number', key, r.payload ->> key USING ERRCODE = 'invalid_parameter_value';
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION warroom_exec_void_entry(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    eid bigint := warroom_payload_id(r, 'entry_id');
BEGIN
    UPDATE timeline_entries SET voided_at = now(), voided_by = r.requested_by, void_reason = r.reason, void_approval = r.id
    WHERE id = eid AND incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, incident_id) AND voided_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'timeline entry % not found in the incident, or already void', eid USING ERRCODE = 'no_data_found';
    END IF;
    RETURN jsonb_build_object('entry_id', eid);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION warroom_exec_void_milestone(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    mid bigint := warroom_payload_id(r, 'milestone_id');
BEGIN
    UPDATE milestones SET voided_at = now(), voided_by = r.requested_by, void_reason = r.reason, void_approval = r.id
    WHERE id = mid AND incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, incident_id) AND voided_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'milestone % not found in the incident, or already void', mid USING ERRCODE = 'no_data_found';
    END IF;
    RETURN jsonb_build_object('milestone_id', mid);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- {"contribution_id", "amount_fen"} corrects money received;
-- {"contributor_id", "pledged_fen"} changes a pledge.
CREATE FUNCTION warroom_exec_contribution(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    fen bigint;
BEGIN
    IF r.payload ? 'contribution_id' THEN
        fen := warroom_payload_id(r, 'amount_fen');
        UPDATE contributions c SET amount_fen = fen
        FROM contributors p WHERE p.id = c.contributor_id AND c.id = warroom_payload_id(r, 'contribution_id')
          AND p.incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, p.incident_id);
    ELSIF r.payload ? 'contributor_id' THEN
        fen := warroom_payload_id(r, 'pledged_fen');
        UPDATE contributors SET pledged_fen = fen
        WHERE id = warroom_payload_id(r, 'contributor_id')
          AND incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, incident_id);
    ELSE
        RAISE EXCEPTION 'payload names neither contribution_id nor contributor_id' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contribution or contributor not found in the incident' USING ERRCODE = 'no_data_found';
    END IF;
    RETURN r.payload;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- {"claim_id", "amount_fen", "idempotency_key"}: the payout, as its requester asked.
CREATE FUNCTION warroom_exec_payout(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    pid bigint;
BEGIN
    INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by)
    SELECT c.incident_id, c.id, warroom_payload_id(r, 'amount_fen'), r.payload ->> 'idempotency_key', r.requested_by
    FROM claims c WHERE c.id = warroom_payload_id(r, 'claim_id')
      AND c.incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, c.incident_id)
    RETURNING id INTO pid;
    IF pid IS NULL THEN
        RAISE EXCEPTION 'claim % not found in the incident', r.payload ->> 'claim_id' USING ERRCODE = 'no_data_found';
    END IF;
    RETURN jsonb_build_object('payout_id', pid);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION warroom_exec_payout_threshold(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE funds SET payout_approval_fen = warroom_payload_id(r, 'threshold_fen') WHERE incident_id = r.incident_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % has no fund', r.incident_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN r.payload;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- {"industry", "percent", "source"}: a new margin rate (00003's table).
CREATE FUNCTION warroom_exec_margin_rate(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    rid bigint;
BEGIN
    EXECUTE 'INSERT INTO margin_rates (incident_id, industry, percent, source, set_by)
             VALUES ($1, $2, ($3)::numeric, $4, $5) RETURNING id'
    INTO rid USING r.incident_id, r.payload ->> 'industry', r.payload ->> 'percent', r.payload ->> 'source', r.requested_by;
    RETURN jsonb_build_object('margin_rate_id', rid);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- {"user", "role"}: the login gets that warroom role and loses any other.
CREATE FUNCTION warroom_exec_role_grant(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    u   warroom_users;
    g   text;
    who text := r.payload ->> 'user';
    rl  text := r.payload ->> 'role';
BEGIN
    SELECT * INTO u FROM warroom_users WHERE name = who FOR UPDATE;
    IF NOT FOUND OR u.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION 'user % is not an active user of this database', who USING ERRCODE = 'no_data_found';
    END IF;
    IF rl NOT IN ('commander', 'engineer', 'finance', 'viewer') THEN
        RAISE EXCEPTION 'role %: use commander, engineer, finance or viewer', rl USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH g IN ARRAY ARRAY['commander', 'engineer', 'finance', 'viewer'] LOOP
        IF g <> rl THEN
            EXECUTE format('REVOKE %I FROM %I', 'warroom_' || g, who);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', 'warroom_' || rl, who);
    UPDATE warroom_users SET role = rl, active = true WHERE name = who;
    RETURN r.payload;
END $$;
-- +goose StatementEnd

INSERT INTO warroom_operations (op, requesters, approvers, executor, required, description) VALUES
    ('void_entry', '{commander,engineer}', '{commander}', 'warroom_exec_void_entry(approvals)', '{entry_id}',
     'void a timeline entry'),
    ('void_milestone', '{commander,engineer}', '{commander}', 'warroom_exec_void_milestone(approvals)', '{milestone_id}',
     'void a restore milestone'),
    ('contribution', '{commander,finance}', '{commander,finance}', 'warroom_exec_contribution(approvals)', '{}',
     'change money received or a pledge'),
    ('payout', '{commander,finance}', '{commander,finance}', 'warroom_exec_payout(approvals)',
     '{claim_id,amount_fen,idempotency_key}', 'a payout above the incident''s threshold'),
    ('payout_threshold', '{commander,finance}', '{commander}', 'warroom_exec_payout_threshold(approvals)',
     '{threshold_fen}', 'change the payout approval threshold'),
    ('margin_rate', '{commander,finance}', '{commander,finance}', 'warroom_exec_margin_rate(approvals)',
     '{industry,percent,source}', 'change an industry''s margin rate'),
    ('role_grant', '{commander}', '{commander}', 'warroom_exec_role_grant(approvals)', '{user,role}',
     'give a user a role');

-- +goose StatementBegin
-- Creates a login for this database. password is a SCRAM verifier made by
-- the client, so the password itself never reaches the server or its logs.
-- A superuser's new login gets its role at once (bootstrap); a commander's
-- gets it when a second commander approves the role_grant request returned.
CREATE FUNCTION warroom_user_add(p_name text, p_role text, p_verifier text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me    text := warroom_actor();
    boot  boolean := COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false);
    req   bigint;
BEGIN
    IF NOT warroom_has_role('commander') THEN
        RAISE EXCEPTION '% may not add users: commanders only', me USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_name !~ '^[a-z][a-z0-9_]{0,47}$' OR p_name ~ '^(pg_|warroom_)' OR p_name IN ('postgres', 'public') THEN
        RAISE EXCEPTION 'user name %: lower-case letters, digits and _, starting with a letter, not pg_ or warroom_', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_role NOT IN ('commander', 'engineer', 'finance', 'viewer') THEN
        RAISE EXCEPTION 'role %: use commander, engineer, finance or viewer', p_role USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_verifier !~ '^SCRAM-SHA-256\$' THEN
        RAISE EXCEPTION 'password must be a SCRAM-SHA-256 verifier' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_name) THEN
        RAISE EXCEPTION 'a role named % already exists on this server', p_name USING ERRCODE = 'duplicate_object';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN INHERIT PASSWORD %L', p_name, p_verifier);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_name);
    INSERT INTO warroom_users (name, role, created_by) VALUES (p_name, p_role, me);
    IF boot THEN
        EXECUTE format('GRANT %I TO %I', 'warroom_' || p_role, p_name);
        UPDATE warroom_users SET active = true WHERE name = p_name;
        RETURN NULL;
    END IF;
    INSERT INTO approvals (op, payload, reason, requested_by, expires_at)
    VALUES ('role_grant', jsonb_build_object('user', p_name, 'role', p_role), 'new user', me, now() + interval '24 hours')
    RETURNING id INTO req;
    RETURN req;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Takes a login's access away at once: removing access is never the risky
-- direction, and a compromised account must be stoppable by one commander.
CREATE FUNCTION warroom_user_revoke(p_name text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    g text;
BEGIN
    IF NOT warroom_has_role('commander') THEN
        RAISE EXCEPTION '% may not revoke users: commanders only', warroom_actor() USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM warroom_users WHERE name = p_name AND revoked_at IS NULL) THEN
        RAISE EXCEPTION 'user % is not an active user of this database', p_name USING ERRCODE = 'no_data_found';
    END IF;
    FOREACH g IN ARRAY ARRAY['commander', 'engineer', 'finance', 'viewer'] LOOP
        EXECUTE format('REVOKE %I FROM %I', 'warroom_' || g, p_name);
    END LOOP;
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM %I', current_database(), p_name);
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
    UPDATE warroom_users SET active = false, revoked_by = warroom_actor(), revoked_at = now() WHERE name = p_name;
    -- Pending requests of a revoked user die with their access.
    UPDATE approvals SET state = 'rejected', decided_by = warroom_actor(), decided_at = now(),
        decision_note = 'requester revoked'
    WHERE state = 'pending' AND requested_by = p_name;
END $$;
-- +goose StatementEnd

REVOKE EXECUTE ON FUNCTION warroom_request(text, bigint, jsonb, text, interval), warroom_approve(bigint, text),
    warroom_reject(bigint, text), warroom_user_add(text, text, text), warroom_user_revoke(text),
    warroom_exec_void_entry(approvals), warroom_exec_void_milestone(approvals),
    warroom_exec_contribution(approvals), warroom_exec_payout(approvals),
    warroom_exec_payout_threshold(approvals), warroom_exec_margin_rate(approvals),
    warroom_exec_role_grant(approvals) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_request(text, bigint, jsonb, text, interval), warroom_approve(bigint, text),
    warroom_reject(bigint, text), warroom_user_add(text, text, text), warroom_user_revoke(text)
    TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;

-- +goose Down
DROP FUNCTION warroom_user_revoke, warroom_user_add, warroom_exec_role_grant, warroom_exec_margin_rate,
    warroom_exec_payout_threshold, warroom_exec_payout, warroom_exec_contribution, warroom_exec_void_milestone,
    warroom_exec_void_entry, warroom_payload_id, warroom_reject, warroom_approve, warroom_request,
    warroom_has_any_role;
DROP TABLE approvals, warroom_operations, warroom_users;
DROP TRIGGER IF EXISTS guard_change ON margin_rates;
DROP TRIGGER guard_threshold ON payouts;
DROP TRIGGER guard_money ON funds;
DROP TRIGGER guard_money ON contributors;
DROP TRIGGER guard_money ON contributions;
DROP TRIGGER guard_void ON milestones;
DROP TRIGGER guard_void ON timeline_entries;
DROP FUNCTION warroom_guard_margin_rates, warroom_guard_payouts, warroom_guard_money, warroom_guard_void,
    warroom_refuse_unapproved;
ALTER TABLE funds DROP COLUMN payout_approval_fen;
ALTER TABLE milestones DROP CONSTRAINT milestones_void, DROP COLUMN voided_at, DROP COLUMN voided_by,
    DROP COLUMN void_reason, DROP COLUMN void_approval;
ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_void, DROP COLUMN voided_at, DROP COLUMN voided_by,
    DROP COLUMN void_reason, DROP COLUMN void_approval;
