// Registers the case search attributes on a cluster (the time-skipping test server, or a
// self-hosted cluster at set-up). Attributes that already exist are left as they are.
import { status } from '@grpc/grpc-js';
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
// CommonJS: its namespaces are properties of the default export under Node's ESM loader.
import proto from '@temporalio/proto';
import { allSearchAttributes } from '../domain/search-attributes';

/** The operator service's name for a search attribute's type: KEYWORD → INDEXED_VALUE_TYPE_KEYWORD. */
function indexedValueType(type: SearchAttributeType): proto.temporal.api.enums.v1.IndexedValueType {
  return proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${type}`];
}

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  for (const key of allSearchAttributes) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: { [key.name]: indexedValueType(key.type) },
      });
    } catch (error) {
      if ((error as { code?: number }).code !== status.ALREADY_EXISTS) throw error;
    }
  }
}
