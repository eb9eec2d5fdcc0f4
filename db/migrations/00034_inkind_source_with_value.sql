-- An in-kind value and who valued it change together: `fund set
-- --inkind-value V --inkind-source S` files S in the value's approval
-- request (payload "inkind_value_source"), written when the value is, so
-- the fund never shows the new source against the old value while the
-- request waits. Without the key the source is left as it is (00017).
-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_exec_inkind_value(r approvals) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v bigint := warroom_payload_id(r, 'inkind_value_fen');
    n bigint;
BEGIN
    IF v < 0 THEN
        RAISE EXCEPTION 'an in-kind value of % fen is negative', v USING ERRCODE = 'check_violation';
    END IF;
    IF r.payload ? 'inkind_value_source' AND jsonb_typeof(r.payload -> 'inkind_value_source') <> 'string' THEN
        RAISE EXCEPTION 'inkind_value_source: want a string' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE funds SET inkind_value_fen = v,
        inkind_value_source = CASE WHEN r.payload ? 'inkind_value_source' THEN btrim(r.payload ->> 'inkind_value_source')
                                   ELSE inkind_value_source END
    WHERE incident_id = r.incident_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % has no fund', r.incident_id USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE claims SET amount_fen = v, updated_at = now()
    WHERE incident_id = r.incident_id AND plan = 'traffic' AND state = 'chosen' AND amount_fen <> v;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN r.payload || jsonb_build_object('claims_repriced', n);
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_exec_inkind_value(r approvals) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v bigint := warroom_payload_id(r, 'inkind_value_fen');
    n bigint;
BEGIN
    IF v < 0 THEN
        RAISE EXCEPTION 'an in-kind value of % fen is negative', v USING ERRCODE = 'check_violation';
    END IF;
    UPDATE funds SET inkind_value_fen = v WHERE incident_id = r.incident_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % has no fund', r.incident_id USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE claims SET amount_fen = v, updated_at = now()
    WHERE incident_id = r.incident_id AND plan = 'traffic' AND state = 'chosen' AND amount_fen <> v;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN r.payload || jsonb_build_object('claims_repriced', n);
END $$;
-- +goose StatementEnd
