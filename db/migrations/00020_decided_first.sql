-- Someone else decided the request first: "already approved" (or
-- rejected, withdrawn) is a conflict, like a milestone saved meanwhile, so
-- its own SQLSTATE, WR002, which db/errors.go maps to ErrConflict (exit 4).
-- An expired request stays object_not_in_prerequisite_state. The bodies
-- are the current ones (db/schema.sql) with that one code changed.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_approve(p_id bigint, p_note text DEFAULT ''::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
            USING ERRCODE = 'WR002';
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
END $_$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_reject(p_id bigint, p_note text DEFAULT ''::text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
            USING ERRCODE = 'WR002';
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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_approve(p_id bigint, p_note text DEFAULT ''::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
END $_$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_reject(p_id bigint, p_note text DEFAULT ''::text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
