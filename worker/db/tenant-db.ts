import { and, eq, type InferInsertModel, type InferSelectModel, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable, SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import type { Database } from "./client.js";

/** Any table that belongs to a tenant. Every tenant table has a `tenantId` column. */
export type TenantTable = SQLiteTable & { tenantId: SQLiteColumn };
type OrderBy = SQL | SQLiteColumn;
/** A row to insert, without the tenant id: `tenantDb` stamps that on. */
export type TenantInsert<T extends TenantTable> = {
  [K in keyof InferInsertModel<T> as K extends "tenantId" ? never : K]: InferInsertModel<T>[K];
};

/**
 * The one way services touch tenant rows in D1. Every select, update and delete is ANDed
 * with `tenant_id = <tenant>`, every insert gets the tenant id stamped on: a query that
 * forgets the tenant cannot be written with this object. Services never see the raw
 * database; the few lookups that must run before the tenant is known (API key, collector,
 * enrollment token — each by an unguessable id or hash) live in `unscoped.ts`.
 */
export function tenantDb(db: Database, tenantId: string) {
  const own = (table: TenantTable, where?: SQL): SQL => and(eq(table.tenantId, tenantId), where) as SQL;
  // drizzle's builders are generic over a concrete table; ours are generic over any tenant
  // table, so the builders are reached through `any` here and typed again at the boundary.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const d = db as any;

  return {
    tenantId,

    select<T extends TenantTable>(
      table: T,
      query: { where?: SQL; orderBy?: OrderBy[]; limit?: number; offset?: number } = {},
    ): Promise<InferSelectModel<T>[]> {
      let q = d.select().from(table).where(own(table, query.where)).$dynamic();
      if (query.orderBy?.length) q = q.orderBy(...query.orderBy);
      if (query.limit !== undefined) q = q.limit(query.limit);
      if (query.offset !== undefined) q = q.offset(query.offset);
      return q;
    },

    async first<T extends TenantTable>(table: T, where?: SQL): Promise<InferSelectModel<T> | undefined> {
      const rows: InferSelectModel<T>[] = await d.select().from(table).where(own(table, where)).limit(1);
      return rows[0];
    },

    /** Returns the builder so callers can add `.onConflictDoNothing()` or put it in `batch`. */
    insert<T extends TenantTable>(table: T, values: TenantInsert<T>): TenantStatement {
      return d.insert(table).values({ ...values, tenantId });
    },

    update<T extends TenantTable>(table: T, set: SQLiteUpdateSetSource<T>, where?: SQL): TenantStatement {
      return d.update(table).set(set).where(own(table, where));
    },

    delete<T extends TenantTable>(table: T, where?: SQL): TenantStatement {
      return d.delete(table).where(own(table, where));
    },

    /** Runs statements made by this object in one D1 transaction. */
    async batch(statements: TenantStatement[]): Promise<D1Result[]> {
      if (statements.length === 0) return [];
      return d.batch(statements);
    },
  };
}

export type TenantDb = ReturnType<typeof tenantDb>;

/** A write built by `TenantDb`: run it, or hand it to `TenantDb.batch`. */
export interface TenantStatement {
  run(): Promise<D1Result>;
  onConflictDoNothing(config?: { target?: SQLiteColumn | SQLiteColumn[] }): TenantStatement;
}
