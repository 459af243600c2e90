// The bare worker process (`node --import tsx bench/bare-worker.ts`): SDK defaults, the bare
// workflows and activities, on the bench's dev server. Its own process, so that its memory is
// measured apart from the service's (R6). Says "ready" on stdout when it polls.
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createBareActivities } from './bare-activities';

const address = process.env.BENCH_TEMPORAL_ADDRESS;
const smtpUrl = process.env.BENCH_SMTP_URL;
const taskQueue = process.env.BENCH_BARE_TASK_QUEUE ?? 'bench-bare';
if (!address || !smtpUrl) throw new Error('BENCH_TEMPORAL_ADDRESS and BENCH_SMTP_URL are required');

const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  taskQueue,
  workflowsPath: path.join(import.meta.dirname, 'bare-workflows.ts'),
  activities: createBareActivities(smtpUrl),
});
process.on('SIGTERM', () => worker.shutdown());
process.on('SIGINT', () => worker.shutdown());
const running = worker.run();
console.log('ready');
await running;
await connection.close();
