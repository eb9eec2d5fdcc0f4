-- Live updates without queries: the row-level notification of the tables a
-- console can apply directly (the timeline and the restore plan) carries the
-- changed row itself, {"r": row}, NEW or, for a DELETE, OLD, as to_jsonb
-- writes it. A console then updates its screen from the notification instead
-- of fifty consoles reloading at once. The row is left out when the whole
-- payload would pass 7,500 bytes (NOTIFY refuses 8,000 and more) and for
-- every other table; consoles reload what a notification without a row
-- names, as before.

-- +goose Up
-- +goose StatementBegin
-- {"t": table, "op": "I"|"U"|"D", "i": incident id, "id": row id, "v": version,
--  "by": actor, "r": row (only for the tables below, and only when it fits)}.
CREATE OR REPLACE FUNCTION warroom_notify_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r       jsonb;
    inc     bigint;
    payload text;
    actor   text := warroom_actor();
BEGIN
    IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;
    inc := (r ->> 'incident_id')::bigint;
    IF inc IS NULL THEN
        CASE TG_TABLE_NAME
            WHEN 'incidents' THEN inc := (r ->> 'id')::bigint;
            WHEN 'milestone_updates' THEN
                SELECT incident_id INTO inc FROM milestones WHERE id = (r ->> 'milestone_id')::bigint;
            WHEN 'action_items' THEN
                SELECT incident_id INTO inc FROM remediation_measures WHERE id = (r ->> 'measure_id')::bigint;
            WHEN 'contributions' THEN
                SELECT incident_id INTO inc FROM contributors WHERE id = (r ->> 'contributor_id')::bigint;
            ELSE NULL;
        END CASE;
    END IF;
    IF TG_TABLE_NAME IN ('timeline_entries', 'milestones', 'milestone_updates') THEN
        payload := json_build_object(
            't', TG_TABLE_NAME, 'op', left(TG_OP, 1), 'i', inc,
            'id', (r ->> 'id')::bigint, 'v', (r ->> 'version')::int, 'by', actor, 'r', r)::text;
        IF octet_length(payload) > 7500 THEN
            payload := NULL;
        END IF;
    END IF;
    PERFORM pg_notify('warroom_changes', COALESCE(payload, json_build_object(
        't', TG_TABLE_NAME, 'op', left(TG_OP, 1), 'i', inc,
        'id', (r ->> 'id')::bigint, 'v', (r ->> 'version')::int, 'by', actor)::text));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_notify_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r   jsonb;
    inc bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;
    inc := (r ->> 'incident_id')::bigint;
    IF inc IS NULL THEN
        CASE TG_TABLE_NAME
            WHEN 'incidents' THEN inc := (r ->> 'id')::bigint;
            WHEN 'milestone_updates' THEN
                SELECT incident_id INTO inc FROM milestones WHERE id = (r ->> 'milestone_id')::bigint;
            WHEN 'action_items' THEN
                SELECT incident_id INTO inc FROM remediation_measures WHERE id = (r ->> 'measure_id')::bigint;
            WHEN 'contributions' THEN
                SELECT incident_id INTO inc FROM contributors WHERE id = (r ->> 'contributor_id')::bigint;
            ELSE NULL;
        END CASE;
    END IF;
    PERFORM pg_notify('warroom_changes', json_build_object(
        't', TG_TABLE_NAME, 'op', left(TG_OP, 1), 'i', inc,
        'id', (r ->> 'id')::bigint, 'v', (r ->> 'version')::int, 'by', warroom_actor())::text);
    RETURN NULL;
END $$;
-- +goose StatementEnd
