// Runs before each test file: the Temporal SDK's INFO logs (worker start, polling) would bury
// jest's report, so only warnings and errors are shown.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
