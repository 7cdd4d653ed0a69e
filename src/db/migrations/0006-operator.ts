import type { Kysely, Migration } from 'kysely';

/**
 * An operator's network data for silent verification: its public IP ranges, the data sessions its
 * RADIUS accounting reports (which MSISDN held which IP, from when to when) and its CGNAT port-block
 * mappings (which private IP was behind which public IP and port range). IPs are stored in their
 * canonical text form; times are milliseconds.
 */
export const operator: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('operator_ranges')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('cidr', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('operator_ranges_pk', ['account_id', 'cidr'])
      .execute();

    await db.schema
      .createTable('operator_sessions')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull()) // Acct-Session-Id
      .addColumn('msisdn', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull()) // Framed-IP-Address
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint') // null while the session is up
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('operator_sessions_pk', ['account_id', 'session_id'])
      .execute();
    await db.schema.createIndex('operator_sessions_ip').on('operator_sessions').columns(['account_id', 'ip', 'started_at']).execute();

    await db.schema
      .createTable('cgnat_mappings')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('public_ip', 'text', (c) => c.notNull())
      .addColumn('port_start', 'integer', (c) => c.notNull())
      .addColumn('port_end', 'integer', (c) => c.notNull())
      .addColumn('private_ip', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint') // null while the block is allocated
      .addPrimaryKeyConstraint('cgnat_mappings_pk', ['account_id', 'public_ip', 'port_start', 'started_at'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of ['cgnat_mappings', 'operator_sessions', 'operator_ranges']) await db.schema.dropTable(t).ifExists().execute();
  },
};
