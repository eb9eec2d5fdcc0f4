-- The words the database writes for people (issue 13): timeline entries it
-- writes itself (declared, status, severity, roles, the fund opened) and
-- the messages of its refusals, which psql users read as well as the CLI
-- and the console, name plans, statuses, roles and operations as the
-- glossary does: "Wu Bo is comms lead", "Status: investigating →
-- identified", "bob may not request void entry: needs the commander or
-- engineer role", not "comms-lead", "->" and "void_entry".
--
-- warroom_words is the glossary's (glossary/glossary.go, numbers.go) copy
-- in the database, never a second source: db/words_test.go fails when one
-- holds a word the other lacks or spells differently. A word changed in
-- the glossary is changed here by a migration of its own.
--
-- Entries written before this migration keep their words: the timeline is
-- a record, and its rows are changed only by voiding them.

-- +goose Up

CREATE TABLE warroom_words (
    kind  text NOT NULL, -- the glossary set's name ("duty role"); 'table' and 'tables' for a table's row nouns
    value text NOT NULL, -- as stored
    word  text NOT NULL, -- as a person reads it
    PRIMARY KEY (kind, value)
);
INSERT INTO warroom_words (kind, value, word) VALUES
    ('plan', 'cash', 'cash'),
    ('plan', 'traffic', 'in kind'),
    ('claim state', 'awaiting_rate', 'awaiting a rate'),
    ('claim state', 'computed', 'computed'),
    ('claim state', 'chosen', 'chosen'),
    ('claim state', 'approved', 'approved'),
    ('claim state', 'paid', 'paid'),
    ('claim state', 'rejected', 'rejected'),
    ('milestone status', 'planned', 'planned'),
    ('milestone status', 'in_progress', 'in progress'),
    ('milestone status', 'blocked', 'blocked'),
    ('milestone status', 'done', 'done'),
    ('action item status', 'open', 'open'),
    ('action item status', 'in_progress', 'in progress'),
    ('action item status', 'done', 'done'),
    ('action item status', 'wont_do', 'won''t do'),
    ('incident status', 'investigating', 'investigating'),
    ('incident status', 'identified', 'identified'),
    ('incident status', 'monitoring', 'monitoring'),
    ('incident status', 'resolved', 'resolved'),
    ('severity', 'sev1', 'sev1'),
    ('severity', 'sev2', 'sev2'),
    ('severity', 'sev3', 'sev3'),
    ('severity', 'sev4', 'sev4'),
    ('role', 'commander', 'commander'),
    ('role', 'engineer', 'engineer'),
    ('role', 'finance', 'finance'),
    ('role', 'viewer', 'viewer'),
    ('duty role', 'commander', 'commander'),
    ('duty role', 'deputy', 'deputy'),
    ('duty role', 'scribe', 'scribe'),
    ('duty role', 'comms-lead', 'comms lead'),
    ('audience', 'internal', 'internal'),
    ('audience', 'executives', 'executives'),
    ('audience', 'customers', 'customers'),
    ('approval state', 'pending', 'pending'),
    ('approval state', 'approved', 'approved'),
    ('approval state', 'rejected', 'rejected'),
    ('approval state', 'expired', 'expired'),
    ('operation', 'void_entry', 'void entry'),
    ('operation', 'void_milestone', 'void milestone'),
    ('operation', 'contribution', 'contribution'),
    ('operation', 'payout', 'payout'),
    ('operation', 'payout_threshold', 'payout threshold'),
    ('operation', 'margin_rate', 'margin rate'),
    ('operation', 'role_grant', 'role grant'),
    ('operation', 'inkind_value', 'in-kind value'),
    ('operation', 'fund_terms', 'fund terms'),
    ('table', 'action_items', 'action item'),
    ('table', 'approvals', 'approval request'),
    ('table', 'audit_log', 'audit row'),
    ('table', 'claims', 'claim'),
    ('table', 'contributions', 'receipt'),
    ('table', 'contributors', 'contributor'),
    ('table', 'findings', 'finding'),
    ('table', 'funds', 'fund'),
    ('table', 'incident_roles', 'duty role'),
    ('table', 'incidents', 'incident'),
    ('table', 'margin_rates', 'margin rate'),
    ('table', 'merchant_imports', 'merchant import'),
    ('table', 'merchants', 'merchant'),
    ('table', 'milestone_updates', 'milestone update'),
    ('table', 'milestones', 'milestone'),
    ('table', 'payouts', 'payout'),
    ('table', 'people', 'person'),
    ('table', 'plan_changes', 'plan change'),
    ('table', 'remediation_measures', 'remediation measure'),
    ('table', 'sales_imports', 'sales import'),
    ('table', 'sales_totals', 'sales total'),
    ('table', 'timeline_entries', 'timeline entry'),
    ('table', 'timeline_entry_versions', 'timeline entry version'),
    ('table', 'warroom_users', 'login'),
    ('tables', 'action_items', 'action items'),
    ('tables', 'approvals', 'approval requests'),
    ('tables', 'audit_log', 'audit rows'),
    ('tables', 'claims', 'claims'),
    ('tables', 'contributions', 'receipts'),
    ('tables', 'contributors', 'contributors'),
    ('tables', 'findings', 'findings'),
    ('tables', 'funds', 'funds'),
    ('tables', 'incident_roles', 'duty roles'),
    ('tables', 'incidents', 'incidents'),
    ('tables', 'margin_rates', 'margin rates'),
    ('tables', 'merchant_imports', 'merchant imports'),
    ('tables', 'merchants', 'merchants'),
    ('tables', 'milestone_updates', 'milestone updates'),
    ('tables', 'milestones', 'milestones'),
    ('tables', 'payouts', 'payouts'),
    ('tables', 'people', 'people'),
    ('tables', 'plan_changes', 'plan changes'),
    ('tables', 'remediation_measures', 'remediation measures'),
    ('tables', 'sales_imports', 'sales imports'),
    ('tables', 'sales_totals', 'sales totals'),
    ('tables', 'timeline_entries', 'timeline entries'),
    ('tables', 'timeline_entry_versions', 'timeline entry versions'),
    ('tables', 'warroom_users', 'logins');
SELECT warroom_protect_table('warroom_words', ARRAY[]::text[]);

-- The word for a value; a value it does not know reads with its
-- underscores and dashes as spaces (glossary.Set.Word).
-- +goose StatementBegin
CREATE FUNCTION warroom_word(p_kind text, p_value text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public, pg_temp
    AS $$
    SELECT COALESCE((SELECT w.word FROM warroom_words w WHERE w.kind = p_kind AND w.value = p_value),
                    translate(p_value, '_-', '  '))
$$;
-- +goose StatementEnd

-- Several values as words: "commander", "commander or engineer",
-- "commander, engineer or finance".
-- +goose StatementBegin
CREATE FUNCTION warroom_words_or(p_kind text, p_values text[]) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, public, pg_temp
    AS $$
    SELECT CASE WHEN n <= 1 THEN COALESCE(ws[1], '')
                ELSE array_to_string(ws[1:n - 1], ', ') || ' or ' || ws[n] END
    FROM (SELECT array_agg(warroom_word(p_kind, v) ORDER BY i) AS ws, count(*)::integer AS n
          FROM unnest(p_values) WITH ORDINALITY AS u(v, i)) x
$$;
-- +goose StatementEnd

-- fen as yuan with thousands separators, as glossary.Money prints it:
-- 1500000000 -> '15,000,000.00'.
-- +goose StatementBegin
CREATE FUNCTION warroom_money(p_fen bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, public, pg_temp
    AS $$
    SELECT CASE WHEN p_fen < 0 THEN '-' ELSE '' END
           || to_char(abs(p_fen) / 100, 'FM999,999,999,999,999,990')
           || '.' || lpad((abs(p_fen) % 100)::text, 2, '0')
$$;
-- +goose StatementEnd

GRANT EXECUTE ON FUNCTION warroom_word(text, text), warroom_words_or(text, text[]), warroom_money(bigint)
    TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_assign_role(p_incident bigint, p_role text, p_person text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    inc    incidents;
    v_role text := lower(btrim(COALESCE(p_role, '')));
    v_person text := btrim(COALESCE(p_person, ''));
    prev   text;
    id     bigint;
BEGIN
    PERFORM warroom_require_incident_command(p_incident, 'assign roles');
    inc := warroom_lock_incident(p_incident, 0);
    IF v_role !~ '^[a-z][a-z0-9_-]{0,39}$' THEN
        RAISE EXCEPTION 'role %: a word of lower-case letters, digits, - or _ (commander, deputy, scribe, comms-lead...)', p_role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_person = '' THEN
        RAISE EXCEPTION 'who holds the role must be named' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT r.person INTO prev FROM incident_roles r
    WHERE r.incident_id = p_incident AND r.role = v_role AND r.ended_at IS NULL FOR UPDATE;
    IF prev = v_person THEN
        RAISE EXCEPTION '% is already % of incident %', v_person, warroom_word('duty role', v_role), inc.slug
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incident_roles r SET ended_at = now()
    WHERE r.incident_id = p_incident AND r.role = v_role AND r.ended_at IS NULL;
    INSERT INTO incident_roles (incident_id, role, person, assigned_by)
    VALUES (p_incident, v_role, v_person, warroom_actor()) RETURNING incident_roles.id INTO id;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'role',
            CASE WHEN v_role = 'commander' AND prev IS NOT NULL THEN format('Command handed from %s to %s', prev, v_person)
                 WHEN prev IS NOT NULL THEN format('%s takes over as %s from %s', v_person, warroom_word('duty role', v_role), prev)
                 ELSE format('%s is %s', v_person, warroom_word('duty role', v_role)) END,
            '', GREATEST(now(), inc.started_at), warroom_actor());
    RETURN id;
END $_$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_declare_incident(p_title text, p_severity text, p_zone text, p_started_at timestamp with time zone, p_slug text, p_summary text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    me    text := warroom_actor();
    v_at  timestamptz := COALESCE(p_started_at, now());
    base  text;
    v_slug text := NULLIF(btrim(COALESCE(p_slug, '')), '');
    n     integer := 1;
    inc   bigint;
BEGIN
    IF NOT warroom_has_any_role(ARRAY['commander', 'engineer']) THEN
        RAISE EXCEPTION '% may not declare an incident: needs the commander or engineer role', me
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_at > now() + interval '5 minutes' THEN
        RAISE EXCEPTION 'started_at % is in the future', v_at USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_slug IS NULL THEN
        base := left(btrim(regexp_replace(lower(COALESCE(p_title, '')), '[^a-z0-9]+', '-', 'g'), '-'), 40);
        base := btrim(base, '-');
        base := CASE WHEN base = '' THEN 'incident' ELSE base END || '-' || to_char(v_at AT TIME ZONE 'UTC', 'YYYYMMDD');
        v_slug := base;
        WHILE EXISTS (SELECT 1 FROM incidents i WHERE i.slug = v_slug) LOOP
            n := n + 1;
            v_slug := base || '-' || n;
        END LOOP;
    END IF;
    INSERT INTO incidents (slug, title, summary, time_zone, status, severity, started_at, updated_by)
    VALUES (v_slug, btrim(COALESCE(p_title, '')), btrim(COALESCE(p_summary, '')), COALESCE(NULLIF(p_zone, ''), 'UTC'),
            'investigating', p_severity, v_at, me)
    RETURNING id INTO inc;
    INSERT INTO incident_roles (incident_id, role, person, assigned_by) VALUES (inc, 'commander', me, me);
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (inc, 'declared', format('Declared %s: %s', warroom_word('severity', p_severity), btrim(p_title)),
            format('Commander: %s', me), v_at, me);
    RETURN inc;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    inc  incidents;
    note text := btrim(COALESCE(p_note, ''));
    v    integer;
BEGIN
    PERFORM warroom_require_incident_command(p_incident, 'change the severity');
    inc := warroom_lock_incident(p_incident, p_version);
    IF p_severity IS NULL OR p_severity NOT IN ('sev1', 'sev2', 'sev3', 'sev4') THEN
        RAISE EXCEPTION 'severity %: use sev1, sev2, sev3 or sev4', p_severity USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_severity = inc.severity THEN
        RAISE EXCEPTION 'incident % is already %', inc.slug, warroom_word('severity', p_severity)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF note = '' THEN
        RAISE EXCEPTION 'a severity change needs a note saying why' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incidents SET severity = p_severity, updated_at = now(), updated_by = warroom_actor()
    WHERE id = p_incident RETURNING version INTO v;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'severity', format('Severity: %s → %s', warroom_word('severity', inc.severity), warroom_word('severity', p_severity)),
            note, GREATEST(now(), inc.started_at), warroom_actor());
    RETURN v;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    inc  incidents;
    note text := btrim(COALESCE(p_note, ''));
    v    integer;
BEGIN
    PERFORM warroom_require_incident_command(p_incident, 'change the status');
    inc := warroom_lock_incident(p_incident, p_version);
    IF p_status IS NULL OR p_status NOT IN ('investigating', 'identified', 'monitoring', 'resolved') THEN
        RAISE EXCEPTION 'status %: use investigating, identified, monitoring or resolved', p_status
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_status = inc.status THEN
        RAISE EXCEPTION 'incident % is already %', inc.slug, warroom_word('incident status', p_status)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF inc.status = 'resolved' AND note = '' THEN
        RAISE EXCEPTION 'reopening incident % needs a note saying why', inc.slug
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incidents SET status = p_status,
        resolved_at = CASE WHEN p_status = 'resolved' THEN GREATEST(now(), started_at) END,
        updated_at = now(), updated_by = warroom_actor()
    WHERE id = p_incident RETURNING version INTO v;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'status',
            CASE WHEN inc.status = 'resolved' THEN format('Reopened: %s', warroom_word('incident status', p_status))
                 WHEN p_status = 'resolved' THEN 'Resolved'
                 ELSE format('Status: %s → %s', warroom_word('incident status', inc.status),
                             warroom_word('incident status', p_status)) END,
            note, GREATEST(now(), inc.started_at), warroom_actor());
    RETURN v;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_open_fund(p_incident bigint, p_currency text, p_baseline_start timestamp with time zone, p_baseline_end timestamp with time zone, p_outage_start timestamp with time zone, p_outage_end timestamp with time zone, p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    inc incidents;
    src text := btrim(COALESCE(p_inkind_source, ''));
BEGIN
    IF NOT warroom_has_role('commander') THEN
        RAISE EXCEPTION '% may not open a compensation fund: needs the commander role', warroom_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    inc := warroom_lock_incident(p_incident, 0);
    IF EXISTS (SELECT 1 FROM funds WHERE incident_id = p_incident) THEN
        RAISE EXCEPTION 'incident % already has a compensation fund (change it with warroom fund set)', inc.slug
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'funds_pkey';
    END IF;
    IF p_baseline_start IS NULL OR p_baseline_end IS NULL OR p_outage_start IS NULL THEN
        RAISE EXCEPTION 'a fund needs its baseline start and end and its outage start'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_threshold_fen IS NULL OR p_threshold_fen < 0 THEN
        RAISE EXCEPTION 'a payout approval threshold of % fen is not a threshold', p_threshold_fen
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_payout_approval_fen_check';
    END IF;
    IF p_inkind_value_fen IS NOT NULL AND src = '' THEN
        RAISE EXCEPTION 'an in-kind value needs its source (who valued the plan)' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO funds (incident_id, currency, baseline_start, baseline_end, outage_start, outage_end,
                       outage_end_follows, payout_approval_fen, inkind_value_fen, inkind_value_source)
    VALUES (p_incident, COALESCE(NULLIF(btrim(p_currency), ''), 'CNY'), p_baseline_start, p_baseline_end,
            p_outage_start, COALESCE(p_outage_end, inc.resolved_at), p_outage_end IS NULL,
            p_threshold_fen, COALESCE(p_inkind_value_fen, 1200000), CASE WHEN p_inkind_value_fen IS NULL THEN '' ELSE src END);
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'note', 'Compensation fund opened',
            format('Payouts above %s need a second person; the outage ends %s%s', warroom_money(p_threshold_fen),
                   CASE WHEN p_outage_end IS NULL THEN 'when the incident is resolved'
                        ELSE to_char(p_outage_end AT TIME ZONE inc.time_zone, 'YYYY-MM-DD HH24:MI') || ' ' || inc.time_zone END,
                   CASE WHEN src = '' THEN '' ELSE format('; %s %s (%s)', warroom_word('operation', 'inkind_value'),
                                                         warroom_money(p_inkind_value_fen), src) END),
            GREATEST(now(), inc.started_at), warroom_actor());
END $$;
-- +goose StatementEnd

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
        RAISE EXCEPTION 'approval request % is already %', p_id, warroom_word('approval state', r.state)
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
        RAISE EXCEPTION '% may not approve request % (%): needs the % role', me, p_id, warroom_word('operation', r.op),
            warroom_words_or('role', o.approvers)
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
        RAISE EXCEPTION 'approval request % is already %', p_id, warroom_word('approval state', r.state)
            USING ERRCODE = 'WR002';
    END IF;
    IF me <> r.requested_by AND NOT warroom_has_any_role(
            (SELECT approvers FROM warroom_operations WHERE op = r.op)) THEN
        RAISE EXCEPTION '% may not reject request % (%): only its requester or a login with the % role may', me, p_id,
            warroom_word('operation', r.op),
            warroom_words_or('role', (SELECT approvers FROM warroom_operations WHERE op = r.op))
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE approvals SET state = 'rejected', decided_by = me, decided_at = now(),
        decision_note = btrim(COALESCE(p_note, ''))
    WHERE id = p_id;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text, p_ttl interval DEFAULT '24:00:00'::interval) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        RAISE EXCEPTION '% may not request %: needs the % role', warroom_actor(), warroom_word('operation', p_op),
            warroom_words_or('role', o.requesters)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_payload IS NULL OR jsonb_typeof(p_payload) <> 'object' THEN
        RAISE EXCEPTION 'payload must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH k IN ARRAY o.required LOOP
        IF NOT p_payload ? k THEN
            RAISE EXCEPTION 'the payload of a % request lacks %', warroom_word('operation', p_op), k
                USING ERRCODE = 'invalid_parameter_value';
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
CREATE OR REPLACE FUNCTION warroom_exec_payout(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    c   claims;
    pid bigint;
BEGIN
    SELECT * INTO c FROM claims WHERE id = warroom_payload_id(r, 'claim_id')
      AND incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, incident_id) FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'claim % not found in the incident', r.payload ->> 'claim_id' USING ERRCODE = 'no_data_found';
    END IF;
    IF c.state <> 'approved' THEN
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', c.id, warroom_word('claim state', c.state)
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by, approval_id)
    VALUES (c.incident_id, c.id, warroom_payload_id(r, 'amount_fen'), r.payload ->> 'idempotency_key',
            r.requested_by, r.id)
    RETURNING id INTO pid;
    UPDATE claims SET state = 'paid', paid_at = now(), updated_at = now()
    WHERE id = c.id AND incident_id = c.incident_id AND paid_fen >= amount_fen;
    RETURN jsonb_build_object('payout_id', pid, 'claim_id', c.id);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_exec_fund_terms(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    n bigint;
    k text;
BEGIN
    FOR k IN SELECT jsonb_object_keys(r.payload) LOOP
        IF k NOT IN ('baseline_start', 'baseline_end', 'outage_start', 'outage_end') THEN
            RAISE EXCEPTION 'a % request''s payload key % is not a window bound', warroom_word('operation', 'fund_terms'), k
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    IF r.payload = '{}'::jsonb THEN
        RAISE EXCEPTION 'a % request''s payload names no window bound', warroom_word('operation', 'fund_terms')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE funds SET
        baseline_start = COALESCE((r.payload->>'baseline_start')::timestamptz, baseline_start),
        baseline_end   = COALESCE((r.payload->>'baseline_end')::timestamptz, baseline_end),
        outage_start   = COALESCE((r.payload->>'outage_start')::timestamptz, outage_start),
        outage_end     = COALESCE((r.payload->>'outage_end')::timestamptz, outage_end),
        outage_end_follows = outage_end_follows AND NOT r.payload ? 'outage_end'
    WHERE incident_id = r.incident_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % has no fund', r.incident_id USING ERRCODE = 'no_data_found';
    END IF;
    n := warroom_fund_recompute(r.incident_id);
    RETURN r.payload || jsonb_build_object('claims_recomputed', n);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_guard_claims() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    bad  record;
    incs bigint[];
    src  text;
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT n.id, n.state INTO bad FROM new_rows n
        WHERE n.state NOT IN ('awaiting_rate', 'computed') OR n.plan IS NOT NULL OR n.paid_fen <> 0 LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'a new claim is computed or awaiting a rate, unpaid, with no plan: claim % as % refused',
                bad.id, warroom_word('claim state', bad.state) USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_lifecycle';
        END IF;
        src := 'SELECT n.*, NULL::bigint AS old_amount, NULL::text AS old_plan,
                       true AS computed_changed, true AS baseline_changed FROM new_rows n';
    ELSE
        SELECT o.id, o.state AS old_state, n.state AS new_state,
               CASE WHEN n.paid_fen IS DISTINCT FROM o.paid_fen THEN 'paid_fen'
                    WHEN n.merchant_id IS DISTINCT FROM o.merchant_id THEN 'merchant_id'
                    WHEN o.state IN ('approved', 'paid', 'rejected')
                         AND (n.plan, n.amount_fen, n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                             IS DISTINCT FROM (o.plan, o.amount_fen, o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent)
                         THEN 'amount'
                    WHEN n.state = 'paid' AND o.state = 'approved' AND n.paid_fen < n.amount_fen THEN 'unpaid'
                    ELSE 'state' END AS what
        INTO bad
        FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.incident_id = o.incident_id
        WHERE n.paid_fen IS DISTINCT FROM o.paid_fen
           OR n.merchant_id IS DISTINCT FROM o.merchant_id
           OR (o.state IN ('approved', 'paid', 'rejected')
               AND (n.plan, n.amount_fen, n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                   IS DISTINCT FROM (o.plan, o.amount_fen, o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent))
           OR (n.state = 'paid' AND o.state = 'approved' AND n.paid_fen < n.amount_fen)
           OR (n.state <> o.state AND (o.state, n.state) NOT IN (
                  ('awaiting_rate', 'computed'), ('computed', 'awaiting_rate'), ('computed', 'chosen'),
                  ('chosen', 'approved'), ('approved', 'paid'),
                  ('awaiting_rate', 'rejected'), ('computed', 'rejected'), ('chosen', 'rejected')))
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '%', CASE bad.what
                WHEN 'paid_fen' THEN format('claim %s: paid_fen is the sum of its payouts and changes only with them', bad.id)
                WHEN 'merchant_id' THEN format('claim %s belongs to its merchant for good', bad.id)
                WHEN 'amount' THEN format('claim %s is %s: its amount and plan no longer change', bad.id,
                                          warroom_word('claim state', bad.old_state))
                WHEN 'unpaid' THEN format('claim %s is paid only when its payouts cover its amount', bad.id)
                ELSE format('claim %s cannot go from %s to %s', bad.id, warroom_word('claim state', bad.old_state),
                            warroom_word('claim state', bad.new_state)) END
                USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_lifecycle';
        END IF;
        src := 'SELECT n.*, o.amount_fen AS old_amount, o.plan AS old_plan,
                       (n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                           IS DISTINCT FROM (o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent) AS computed_changed,
                       n.baseline_fen IS DISTINCT FROM o.baseline_fen AS baseline_changed
                FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.incident_id = o.incident_id
                WHERE (n.plan, n.amount_fen, n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                      IS DISTINCT FROM (o.plan, o.amount_fen, o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent)';
    END IF;
    -- The figures of every claim whose amount or computation changed, as
    -- compensation/compute.go and warroom_compute_first_claims make them.
    -- The incidents as a literal, so the plan reads only their partitions.
    SELECT array_agg(DISTINCT incident_id) INTO incs FROM new_rows;
    EXECUTE format($q$
        WITH x AS MATERIALIZED (%s),
        s AS (SELECT t.merchant_id, sum(t.baseline_fen)::bigint AS fen FROM sales_totals t
              WHERE t.incident_id = ANY (%L::bigint[])
                AND t.merchant_id IN (SELECT merchant_id FROM x WHERE baseline_changed)
              GROUP BY t.merchant_id)
        SELECT x.id, CASE
                   WHEN x.computed_changed AND x.baseline_changed
                        AND x.baseline_fen IS DISTINCT FROM COALESCE(s.fen, 0) THEN 'baseline'
                   WHEN x.computed_changed AND (x.margin_rate_id, x.margin_percent) IS DISTINCT FROM (r.id, r.percent)
                        THEN 'rate'
                   WHEN x.computed_changed AND x.cash_fen IS DISTINCT FROM warroom_cash_fen(x.baseline_fen, r.percent,
                            extract(epoch FROM f.outage_end - f.outage_start),
                            extract(epoch FROM f.baseline_end - f.baseline_start)) THEN 'cash'
                   ELSE 'amount' END AS what
        FROM x JOIN funds f ON f.incident_id = x.incident_id
        LEFT JOIN merchants m ON m.id = x.merchant_id AND m.incident_id = x.incident_id
                             AND m.incident_id = ANY (%L::bigint[])
        LEFT JOIN current_margin_rates r ON r.incident_id = x.incident_id AND r.industry = m.industry
        LEFT JOIN s ON s.merchant_id = x.merchant_id
        WHERE (x.computed_changed AND x.baseline_changed AND x.baseline_fen IS DISTINCT FROM COALESCE(s.fen, 0))
           OR (x.computed_changed AND (x.margin_rate_id, x.margin_percent) IS DISTINCT FROM (r.id, r.percent))
           OR (x.computed_changed AND x.cash_fen IS DISTINCT FROM warroom_cash_fen(x.baseline_fen, r.percent,
                   extract(epoch FROM f.outage_end - f.outage_start),
                   extract(epoch FROM f.baseline_end - f.baseline_start)))
           OR x.amount_fen IS DISTINCT FROM CASE
                  WHEN x.plan = 'traffic' AND x.plan = x.old_plan AND x.amount_fen = x.old_amount THEN x.old_amount
                  WHEN x.plan = 'traffic' THEN f.inkind_value_fen
                  ELSE COALESCE(x.cash_fen, 0) END
        LIMIT 1$q$, src, incs, incs) INTO bad;
    IF bad.id IS NOT NULL THEN
        RAISE EXCEPTION 'claim %: its % is not what the computation gives (compute, choose or recompute it instead)',
            bad.id, CASE bad.what WHEN 'baseline' THEN 'baseline (the sum of its imported sales)'
                                  WHEN 'rate' THEN 'margin rate (its industry''s current rate)'
                                  WHEN 'cash' THEN 'cash figure (warroom_cash_fen over the fund''s windows)'
                                  ELSE format('amount (cash figure, or the fund''s %s for the %s plan)',
                                              warroom_word('operation', 'inkind_value'), warroom_word('plan', 'traffic')) END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_amount_computed';
    END IF;
    RETURN NULL;
END $_$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_guard_payouts() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    bad  record;
    incs bigint[];
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    SELECT n.claim_id INTO bad FROM new_rows n WHERE n.approval_id IS NOT NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'payout on claim %: approval_id is set by an approved payout request only', bad.claim_id
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'payouts_approval_by_request';
    END IF;
    SELECT array_agg(DISTINCT incident_id) INTO incs FROM new_rows;
    PERFORM 1 FROM claims c
    WHERE c.incident_id = ANY (incs) AND (c.id, c.incident_id) IN (SELECT claim_id, incident_id FROM new_rows)
    ORDER BY c.id FOR UPDATE;
    SELECT c.id, c.state INTO bad FROM claims c
    WHERE c.incident_id = ANY (incs) AND (c.id, c.incident_id) IN (SELECT claim_id, incident_id FROM new_rows)
      AND c.state <> 'approved' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', bad.id, warroom_word('claim state', bad.state)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payouts_claim_approved';
    END IF;
    SELECT p.claim_id, sum(p.amount_fen)::bigint AS fen, f.payout_approval_fen INTO bad
    FROM payouts p JOIN funds f ON f.incident_id = p.incident_id
    WHERE p.incident_id = ANY (incs) AND p.approval_id IS NULL
      AND (p.claim_id, p.incident_id) IN (SELECT claim_id, incident_id FROM new_rows)
    GROUP BY p.claim_id, f.payout_approval_fen
    HAVING sum(p.amount_fen) > f.payout_approval_fen LIMIT 1;
    IF FOUND THEN
        PERFORM warroom_refuse_unapproved(format('paying %s on claim %s without a request (above the %s of %s)',
            warroom_money(bad.fen), bad.claim_id, warroom_word('operation', 'payout_threshold'),
            warroom_money(bad.payout_approval_fen)));
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_guard_plan_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM plan_changes WHERE claim_id = OLD.id AND to_plan = NEW.plan
                   AND txid = txid_current()) THEN
        RAISE EXCEPTION 'claim % already chose the % plan', OLD.id, warroom_word('plan', OLD.plan)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_plan_chosen_once',
                  HINT = 'a commander can change it, giving a reason';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_guard_void() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF warroom_privileged() THEN
        RETURN NEW;
    END IF;
    IF OLD.voided_at IS NOT NULL THEN
        RAISE EXCEPTION '% % is void and can no longer be changed', warroom_word('table', TG_TABLE_NAME), OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.voided_at IS NOT NULL OR NEW.voided_by IS NOT NULL OR NEW.void_reason IS NOT NULL
       OR NEW.void_approval IS NOT NULL THEN
        PERFORM warroom_refuse_unapproved('voiding ' || warroom_word('table', TG_TABLE_NAME) || ' ' || OLD.id);
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_assign_role(p_incident bigint, p_role text, p_person text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    inc    incidents;
    v_role text := lower(btrim(COALESCE(p_role, '')));
    v_person text := btrim(COALESCE(p_person, ''));
    prev   text;
    id     bigint;
BEGIN
    PERFORM warroom_require_incident_command(p_incident, 'assign roles');
    inc := warroom_lock_incident(p_incident, 0);
    IF v_role !~ '^[a-z][a-z0-9_-]{0,39}$' THEN
        RAISE EXCEPTION 'role %: a word of lower-case letters, digits, - or _ (commander, deputy, scribe, comms-lead...)', p_role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_person = '' THEN
        RAISE EXCEPTION 'who holds the role must be named' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT r.person INTO prev FROM incident_roles r
    WHERE r.incident_id = p_incident AND r.role = v_role AND r.ended_at IS NULL FOR UPDATE;
    IF prev = v_person THEN
        RAISE EXCEPTION '% is already % of incident %', v_person, v_role, inc.slug USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incident_roles r SET ended_at = now()
    WHERE r.incident_id = p_incident AND r.role = v_role AND r.ended_at IS NULL;
    INSERT INTO incident_roles (incident_id, role, person, assigned_by)
    VALUES (p_incident, v_role, v_person, warroom_actor()) RETURNING incident_roles.id INTO id;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'role',
            CASE WHEN v_role = 'commander' AND prev IS NOT NULL THEN format('Command handed from %s to %s', prev, v_person)
                 WHEN prev IS NOT NULL THEN format('%s takes over as %s from %s', v_person, v_role, prev)
                 ELSE format('%s is %s', v_person, v_role) END,
            '', GREATEST(now(), inc.started_at), warroom_actor());
    RETURN id;
END $_$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_declare_incident(p_title text, p_severity text, p_zone text, p_started_at timestamp with time zone, p_slug text, p_summary text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    me    text := warroom_actor();
    v_at  timestamptz := COALESCE(p_started_at, now());
    base  text;
    v_slug text := NULLIF(btrim(COALESCE(p_slug, '')), '');
    n     integer := 1;
    inc   bigint;
BEGIN
    IF NOT warroom_has_any_role(ARRAY['commander', 'engineer']) THEN
        RAISE EXCEPTION '% may not declare an incident: needs the commander or engineer role', me
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_at > now() + interval '5 minutes' THEN
        RAISE EXCEPTION 'started_at % is in the future', v_at USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_slug IS NULL THEN
        base := left(btrim(regexp_replace(lower(COALESCE(p_title, '')), '[^a-z0-9]+', '-', 'g'), '-'), 40);
        base := btrim(base, '-');
        base := CASE WHEN base = '' THEN 'incident' ELSE base END || '-' || to_char(v_at AT TIME ZONE 'UTC', 'YYYYMMDD');
        v_slug := base;
        WHILE EXISTS (SELECT 1 FROM incidents i WHERE i.slug = v_slug) LOOP
            n := n + 1;
            v_slug := base || '-' || n;
        END LOOP;
    END IF;
    INSERT INTO incidents (slug, title, summary, time_zone, status, severity, started_at, updated_by)
    VALUES (v_slug, btrim(COALESCE(p_title, '')), btrim(COALESCE(p_summary, '')), COALESCE(NULLIF(p_zone, ''), 'UTC'),
            'investigating', p_severity, v_at, me)
    RETURNING id INTO inc;
    INSERT INTO incident_roles (incident_id, role, person, assigned_by) VALUES (inc, 'commander', me, me);
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (inc, 'declared', format('Declared %s: %s', p_severity, btrim(p_title)),
            format('Commander: %s', me), v_at, me);
    RETURN inc;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    inc  incidents;
    note text := btrim(COALESCE(p_note, ''));
    v    integer;
BEGIN
    PERFORM warroom_require_incident_command(p_incident, 'change the severity');
    inc := warroom_lock_incident(p_incident, p_version);
    IF p_severity IS NULL OR p_severity NOT IN ('sev1', 'sev2', 'sev3', 'sev4') THEN
        RAISE EXCEPTION 'severity %: use sev1, sev2, sev3 or sev4', p_severity USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_severity = inc.severity THEN
        RAISE EXCEPTION 'incident % is already %', inc.slug, p_severity USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF note = '' THEN
        RAISE EXCEPTION 'a severity change needs a note saying why' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incidents SET severity = p_severity, updated_at = now(), updated_by = warroom_actor()
    WHERE id = p_incident RETURNING version INTO v;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'severity', format('Severity: %s -> %s', inc.severity, p_severity),
            note, GREATEST(now(), inc.started_at), warroom_actor());
    RETURN v;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    inc  incidents;
    note text := btrim(COALESCE(p_note, ''));
    v    integer;
BEGIN
    PERFORM warroom_require_incident_command(p_incident, 'change the status');
    inc := warroom_lock_incident(p_incident, p_version);
    IF p_status IS NULL OR p_status NOT IN ('investigating', 'identified', 'monitoring', 'resolved') THEN
        RAISE EXCEPTION 'status %: use investigating, identified, monitoring or resolved', p_status
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_status = inc.status THEN
        RAISE EXCEPTION 'incident % is already %', inc.slug, p_status USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF inc.status = 'resolved' AND note = '' THEN
        RAISE EXCEPTION 'reopening incident % needs a note saying why', inc.slug
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incidents SET status = p_status,
        resolved_at = CASE WHEN p_status = 'resolved' THEN GREATEST(now(), started_at) END,
        updated_at = now(), updated_by = warroom_actor()
    WHERE id = p_incident RETURNING version INTO v;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'status',
            CASE WHEN inc.status = 'resolved' THEN format('Reopened: %s', p_status)
                 WHEN p_status = 'resolved' THEN 'Resolved'
                 ELSE format('Status: %s -> %s', inc.status, p_status) END,
            note, GREATEST(now(), inc.started_at), warroom_actor());
    RETURN v;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_open_fund(p_incident bigint, p_currency text, p_baseline_start timestamp with time zone, p_baseline_end timestamp with time zone, p_outage_start timestamp with time zone, p_outage_end timestamp with time zone, p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    inc incidents;
    src text := btrim(COALESCE(p_inkind_source, ''));
BEGIN
    IF NOT warroom_has_role('commander') THEN
        RAISE EXCEPTION '% may not open a compensation fund: needs the commander role', warroom_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    inc := warroom_lock_incident(p_incident, 0);
    IF EXISTS (SELECT 1 FROM funds WHERE incident_id = p_incident) THEN
        RAISE EXCEPTION 'incident % already has a compensation fund (change it with warroom fund set)', inc.slug
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'funds_pkey';
    END IF;
    IF p_baseline_start IS NULL OR p_baseline_end IS NULL OR p_outage_start IS NULL THEN
        RAISE EXCEPTION 'a fund needs its baseline start and end and its outage start'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_threshold_fen IS NULL OR p_threshold_fen < 0 THEN
        RAISE EXCEPTION 'a payout approval threshold of % fen is not a threshold', p_threshold_fen
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_payout_approval_fen_check';
    END IF;
    IF p_inkind_value_fen IS NOT NULL AND src = '' THEN
        RAISE EXCEPTION 'an in-kind value needs its source (who valued the plan)' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO funds (incident_id, currency, baseline_start, baseline_end, outage_start, outage_end,
                       outage_end_follows, payout_approval_fen, inkind_value_fen, inkind_value_source)
    VALUES (p_incident, COALESCE(NULLIF(btrim(p_currency), ''), 'CNY'), p_baseline_start, p_baseline_end,
            p_outage_start, COALESCE(p_outage_end, inc.resolved_at), p_outage_end IS NULL,
            p_threshold_fen, COALESCE(p_inkind_value_fen, 1200000), CASE WHEN p_inkind_value_fen IS NULL THEN '' ELSE src END);
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'note', 'Compensation fund opened',
            format('Threshold %s fen; outage end %s%s', p_threshold_fen,
                   CASE WHEN p_outage_end IS NULL THEN 'follows the resolution' ELSE p_outage_end::text END,
                   CASE WHEN src = '' THEN '' ELSE format('; in-kind value %s fen (%s)', p_inkind_value_fen, src) END),
            GREATEST(now(), inc.started_at), warroom_actor());
END $$;
-- +goose StatementEnd

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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text, p_ttl interval DEFAULT '24:00:00'::interval) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
CREATE OR REPLACE FUNCTION warroom_exec_payout(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    c   claims;
    pid bigint;
BEGIN
    SELECT * INTO c FROM claims WHERE id = warroom_payload_id(r, 'claim_id')
      AND incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, incident_id) FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'claim % not found in the incident', r.payload ->> 'claim_id' USING ERRCODE = 'no_data_found';
    END IF;
    IF c.state <> 'approved' THEN
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', c.id, c.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by, approval_id)
    VALUES (c.incident_id, c.id, warroom_payload_id(r, 'amount_fen'), r.payload ->> 'idempotency_key',
            r.requested_by, r.id)
    RETURNING id INTO pid;
    UPDATE claims SET state = 'paid', paid_at = now(), updated_at = now()
    WHERE id = c.id AND incident_id = c.incident_id AND paid_fen >= amount_fen;
    RETURN jsonb_build_object('payout_id', pid, 'claim_id', c.id);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_exec_fund_terms(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    n bigint;
    k text;
BEGIN
    FOR k IN SELECT jsonb_object_keys(r.payload) LOOP
        IF k NOT IN ('baseline_start', 'baseline_end', 'outage_start', 'outage_end') THEN
            RAISE EXCEPTION 'fund_terms payload key % is not a window bound', k USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    IF r.payload = '{}'::jsonb THEN
        RAISE EXCEPTION 'fund_terms payload names no window bound' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE funds SET
        baseline_start = COALESCE((r.payload->>'baseline_start')::timestamptz, baseline_start),
        baseline_end   = COALESCE((r.payload->>'baseline_end')::timestamptz, baseline_end),
        outage_start   = COALESCE((r.payload->>'outage_start')::timestamptz, outage_start),
        outage_end     = COALESCE((r.payload->>'outage_end')::timestamptz, outage_end),
        outage_end_follows = outage_end_follows AND NOT r.payload ? 'outage_end'
    WHERE incident_id = r.incident_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % has no fund', r.incident_id USING ERRCODE = 'no_data_found';
    END IF;
    n := warroom_fund_recompute(r.incident_id);
    RETURN r.payload || jsonb_build_object('claims_recomputed', n);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_guard_claims() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    bad  record;
    incs bigint[];
    src  text;
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT n.id, n.state INTO bad FROM new_rows n
        WHERE n.state NOT IN ('awaiting_rate', 'computed') OR n.plan IS NOT NULL OR n.paid_fen <> 0 LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'a new claim is computed or awaiting a rate, unpaid, with no plan: claim % as % refused',
                bad.id, bad.state USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_lifecycle';
        END IF;
        src := 'SELECT n.*, NULL::bigint AS old_amount, NULL::text AS old_plan,
                       true AS computed_changed, true AS baseline_changed FROM new_rows n';
    ELSE
        SELECT o.id, o.state AS old_state, n.state AS new_state,
               CASE WHEN n.paid_fen IS DISTINCT FROM o.paid_fen THEN 'paid_fen'
                    WHEN n.merchant_id IS DISTINCT FROM o.merchant_id THEN 'merchant_id'
                    WHEN o.state IN ('approved', 'paid', 'rejected')
                         AND (n.plan, n.amount_fen, n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                             IS DISTINCT FROM (o.plan, o.amount_fen, o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent)
                         THEN 'amount'
                    WHEN n.state = 'paid' AND o.state = 'approved' AND n.paid_fen < n.amount_fen THEN 'unpaid'
                    ELSE 'state' END AS what
        INTO bad
        FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.incident_id = o.incident_id
        WHERE n.paid_fen IS DISTINCT FROM o.paid_fen
           OR n.merchant_id IS DISTINCT FROM o.merchant_id
           OR (o.state IN ('approved', 'paid', 'rejected')
               AND (n.plan, n.amount_fen, n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                   IS DISTINCT FROM (o.plan, o.amount_fen, o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent))
           OR (n.state = 'paid' AND o.state = 'approved' AND n.paid_fen < n.amount_fen)
           OR (n.state <> o.state AND (o.state, n.state) NOT IN (
                  ('awaiting_rate', 'computed'), ('computed', 'awaiting_rate'), ('computed', 'chosen'),
                  ('chosen', 'approved'), ('approved', 'paid'),
                  ('awaiting_rate', 'rejected'), ('computed', 'rejected'), ('chosen', 'rejected')))
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '%', CASE bad.what
                WHEN 'paid_fen' THEN format('claim %s: paid_fen is the sum of its payouts and changes only with them', bad.id)
                WHEN 'merchant_id' THEN format('claim %s belongs to its merchant for good', bad.id)
                WHEN 'amount' THEN format('claim %s is %s: its amount and plan no longer change', bad.id, bad.old_state)
                WHEN 'unpaid' THEN format('claim %s is paid only when its payouts cover its amount', bad.id)
                ELSE format('claim %s cannot go from %s to %s', bad.id, bad.old_state, bad.new_state) END
                USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_lifecycle';
        END IF;
        src := 'SELECT n.*, o.amount_fen AS old_amount, o.plan AS old_plan,
                       (n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                           IS DISTINCT FROM (o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent) AS computed_changed,
                       n.baseline_fen IS DISTINCT FROM o.baseline_fen AS baseline_changed
                FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.incident_id = o.incident_id
                WHERE (n.plan, n.amount_fen, n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                      IS DISTINCT FROM (o.plan, o.amount_fen, o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent)';
    END IF;
    -- The figures of every claim whose amount or computation changed, as
    -- compensation/compute.go and warroom_compute_first_claims make them.
    -- The incidents as a literal, so the plan reads only their partitions.
    SELECT array_agg(DISTINCT incident_id) INTO incs FROM new_rows;
    EXECUTE format($q$
        WITH x AS MATERIALIZED (%s),
        s AS (SELECT t.merchant_id, sum(t.baseline_fen)::bigint AS fen FROM sales_totals t
              WHERE t.incident_id = ANY (%L::bigint[])
                AND t.merchant_id IN (SELECT merchant_id FROM x WHERE baseline_changed)
              GROUP BY t.merchant_id)
        SELECT x.id, CASE
                   WHEN x.computed_changed AND x.baseline_changed
                        AND x.baseline_fen IS DISTINCT FROM COALESCE(s.fen, 0) THEN 'baseline'
                   WHEN x.computed_changed AND (x.margin_rate_id, x.margin_percent) IS DISTINCT FROM (r.id, r.percent)
                        THEN 'rate'
                   WHEN x.computed_changed AND x.cash_fen IS DISTINCT FROM warroom_cash_fen(x.baseline_fen, r.percent,
                            extract(epoch FROM f.outage_end - f.outage_start),
                            extract(epoch FROM f.baseline_end - f.baseline_start)) THEN 'cash'
                   ELSE 'amount' END AS what
        FROM x JOIN funds f ON f.incident_id = x.incident_id
        LEFT JOIN merchants m ON m.id = x.merchant_id AND m.incident_id = x.incident_id
                             AND m.incident_id = ANY (%L::bigint[])
        LEFT JOIN current_margin_rates r ON r.incident_id = x.incident_id AND r.industry = m.industry
        LEFT JOIN s ON s.merchant_id = x.merchant_id
        WHERE (x.computed_changed AND x.baseline_changed AND x.baseline_fen IS DISTINCT FROM COALESCE(s.fen, 0))
           OR (x.computed_changed AND (x.margin_rate_id, x.margin_percent) IS DISTINCT FROM (r.id, r.percent))
           OR (x.computed_changed AND x.cash_fen IS DISTINCT FROM warroom_cash_fen(x.baseline_fen, r.percent,
                   extract(epoch FROM f.outage_end - f.outage_start),
                   extract(epoch FROM f.baseline_end - f.baseline_start)))
           OR x.amount_fen IS DISTINCT FROM CASE
                  WHEN x.plan = 'traffic' AND x.plan = x.old_plan AND x.amount_fen = x.old_amount THEN x.old_amount
                  WHEN x.plan = 'traffic' THEN f.inkind_value_fen
                  ELSE COALESCE(x.cash_fen, 0) END
        LIMIT 1$q$, src, incs, incs) INTO bad;
    IF bad.id IS NOT NULL THEN
        RAISE EXCEPTION 'claim %: its % is not what the computation gives (compute, choose or recompute it instead)',
            bad.id, CASE bad.what WHEN 'baseline' THEN 'baseline (the sum of its imported sales)'
                                  WHEN 'rate' THEN 'margin rate (its industry''s current rate)'
                                  WHEN 'cash' THEN 'cash figure (warroom_cash_fen over the fund''s windows)'
                                  ELSE 'amount (cash figure, or the fund''s in-kind value for traffic)' END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_amount_computed';
    END IF;
    RETURN NULL;
END $_$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_guard_payouts() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    bad  record;
    incs bigint[];
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    SELECT n.claim_id INTO bad FROM new_rows n WHERE n.approval_id IS NOT NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'payout on claim %: approval_id is set by an approved payout request only', bad.claim_id
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'payouts_approval_by_request';
    END IF;
    SELECT array_agg(DISTINCT incident_id) INTO incs FROM new_rows;
    PERFORM 1 FROM claims c
    WHERE c.incident_id = ANY (incs) AND (c.id, c.incident_id) IN (SELECT claim_id, incident_id FROM new_rows)
    ORDER BY c.id FOR UPDATE;
    SELECT c.id, c.state INTO bad FROM claims c
    WHERE c.incident_id = ANY (incs) AND (c.id, c.incident_id) IN (SELECT claim_id, incident_id FROM new_rows)
      AND c.state <> 'approved' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', bad.id, bad.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payouts_claim_approved';
    END IF;
    SELECT p.claim_id, sum(p.amount_fen)::bigint AS fen, f.payout_approval_fen INTO bad
    FROM payouts p JOIN funds f ON f.incident_id = p.incident_id
    WHERE p.incident_id = ANY (incs) AND p.approval_id IS NULL
      AND (p.claim_id, p.incident_id) IN (SELECT claim_id, incident_id FROM new_rows)
    GROUP BY p.claim_id, f.payout_approval_fen
    HAVING sum(p.amount_fen) > f.payout_approval_fen LIMIT 1;
    IF FOUND THEN
        PERFORM warroom_refuse_unapproved(format('paying %s fen on claim %s without a request (above %s)',
            bad.fen, bad.claim_id, bad.payout_approval_fen));
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_guard_plan_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM plan_changes WHERE claim_id = OLD.id AND to_plan = NEW.plan
                   AND txid = txid_current()) THEN
        RAISE EXCEPTION 'claim % already chose plan %', OLD.id, OLD.plan
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_plan_chosen_once',
                  HINT = 'a commander can change it, giving a reason';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_guard_void() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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

DROP FUNCTION warroom_money(bigint);
DROP FUNCTION warroom_words_or(text, text[]);
DROP FUNCTION warroom_word(text, text);
DROP TABLE warroom_words;
