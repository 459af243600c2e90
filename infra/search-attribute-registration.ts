// Registers the case search attributes on a cluster (the time-skipping test server, or a
// self-hosted cluster at set-up). Attributes that already exist are left as they are.
import { status } from '@grpc/grpc-js';
import type { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { allSearchAttributes } from '../domain/search-attributes';

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  for (const key of allSearchAttributes) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: { [key.name]: encodeSearchAttributeIndexedValueType(key.type)! },
      });
    } catch (error) {
      if ((error as { code?: number }).code !== status.ALREADY_EXISTS) throw error;
    }
  }
}
