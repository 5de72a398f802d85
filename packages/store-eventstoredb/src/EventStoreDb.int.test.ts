// The shared event-store contract suite against a real EventStoreDB/KurrentDB server, when one is given.
// No server can run on the development machines, so without EVENTSTORE_CONNECTION_STRING the suite is skipped,
// and says so in the test report and in the log. To run it: see infra/README.md.
import { describeEventStoreContract } from '@ntm/testing';
import { describe, it } from 'vitest';
import { createEventStoreDbHarness } from '../test/support/contractHarness.js';

const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'];
const SKIPPED =
  'EventStoreDB contract suite SKIPPED: EVENTSTORE_CONNECTION_STRING is not set (no server can run here)';

if (connectionString) {
  describeEventStoreContract('EventStoreDbEventStore', () => createEventStoreDbHarness(connectionString));
} else {
  console.warn(SKIPPED);
  describe.skip(SKIPPED, () => {
    it('runs the shared event-store contract suite against the server', () => undefined);
  });
}
