-- Writes contact_record_2026-01-06.parquet: a few rows of the Amazon
-- Connect analytics data lake's contact_record table with its documented
-- column names and types (timestamps in UTC, durations in milliseconds,
-- attributes a map), as an Athena UNLOAD or a Glue export writes them.
-- The test runs this with {{out}} set to the file it then ingests.
COPY (
    SELECT * FROM (VALUES
        ('inst-0001', '111122223333', 'd-0001', NULL, NULL, NULL, 'VOICE', 'INBOUND',
         TIMESTAMP '2026-01-05 14:00:00', TIMESTAMP '2026-01-05 14:05:10', 'CUSTOMER_DISCONNECT', NULL::TIMESTAMP,
         'q-billing', 'Billing', 40000::BIGINT, 'u-ana', 'ana.lopez', 220000::BIGINT, 30000::BIGINT, 1::BIGINT, 45000::BIGINT,
         'Customer Care', 'Team North', NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, '+15550100001',
         MAP {'CustomerId': 'C100', 'CaseId': 'CASE-7', 'ContactReason': 'billing', 'Disposition': 'resolved'}),
        ('inst-0001', '111122223333', 'd-0002', NULL, NULL, 'd-0003', 'VOICE', 'INBOUND',
         TIMESTAMP '2026-01-05 15:00:00', TIMESTAMP '2026-01-05 15:04:00', 'AGENT_DISCONNECT', TIMESTAMP '2026-01-05 15:03:10',
         'q-billing', 'Billing', 15000, 'u-ana', 'ana.lopez', 120000, 60000, 2, 10000,
         'Customer Care', 'Team North', NULL, NULL, NULL, '+15550100002',
         MAP {'CustomerId': 'C200', 'ContactReason': 'technical'}),
        ('inst-0001', '111122223333', 'd-0003', 'd-0002', 'd-0002', NULL, 'VOICE', 'TRANSFER',
         TIMESTAMP '2026-01-05 15:03:10', TIMESTAMP '2026-01-05 15:12:00', 'CUSTOMER_DISCONNECT', NULL,
         'q-tech', 'Technical Support', 70000, 'u-raj', 'raj.patel', 400000, 0, 0, 35000,
         'Customer Care', 'Team South', 'Tier 2', NULL, NULL, '+15550100002',
         MAP {'CustomerId': 'C200', 'ContactReason': 'technical', 'Disposition': 'unresolved'}),
        ('inst-0001', '111122223333', 'd-0004', NULL, NULL, NULL, 'VOICE', 'INBOUND',
         TIMESTAMP '2026-01-06 09:30:00', TIMESTAMP '2026-01-06 09:31:45', 'CUSTOMER_DISCONNECT', NULL,
         'q-billing', 'Billing', 95000, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, '+15550100003', MAP {}::MAP(VARCHAR, VARCHAR)),
        ('inst-0001', '111122223333', 'd-0005', NULL, NULL, NULL, 'CHAT', 'API',
         TIMESTAMP '2026-01-06 10:00:00', TIMESTAMP '2026-01-06 10:12:00', 'CUSTOMER_DISCONNECT', NULL,
         'q-accounts', 'Accounts', 20000, 'u-mei', 'mei.chen', 600000, NULL, NULL, 60000,
         'Digital', NULL, NULL, NULL, NULL, NULL, MAP {'CustomerId': 'C100', 'CaseId': 'CASE-7', 'Disposition': 'Resolved'}),
        ('inst-0001', '111122223333', 'd-0006', NULL, NULL, NULL, 'FAX', 'INBOUND',
         TIMESTAMP '2026-01-06 11:00:00', NULL, NULL, NULL,
         'q-billing', 'Billing', 5000, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, MAP {'CustomerId': 'C300'})
    ) AS t(instance_id, aws_account_id, contact_id, initial_contact_id, previous_contact_id, next_contact_id, channel,
           initiation_method, initiation_timestamp, disconnect_timestamp, disconnect_reason, transfer_completed_timestamp,
           queue_id, queue_name, queue_duration_ms, agent_id, agent_username, agent_interaction_duration_ms,
           agent_customer_hold_duration_ms, agent_number_of_holds, agent_after_contact_work_duration_ms,
           agent_hierarchy_groups_level_1_name, agent_hierarchy_groups_level_2_name, agent_hierarchy_groups_level_3_name,
           agent_hierarchy_groups_level_4_name, agent_hierarchy_groups_level_5_name, customer_endpoint_address, attributes)
) TO {{out}} (FORMAT parquet)
