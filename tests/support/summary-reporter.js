// One plain closing line after jest's own summary ("jest: 95 passed, 0 failed, 0 skipped"), for
// CI logs and tools that read a test run's last line.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    console.log(`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`);
  }
}
