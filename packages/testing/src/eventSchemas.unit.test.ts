import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMAS, type EventType } from '@ntm/contracts';
import { allJourneys, reach, run } from './journeys.js';

describe('decided events match their published schemas', () => {
  for (const journey of allJourneys()) {
    it(journey.name, () => {
      const events = [
        ...run(journey.steps).events,
        ...Object.keys(journey.detours).flatMap((d) => reach(journey, d).events),
      ];
      for (const e of events) {
        const spec = EVENT_SCHEMAS[e.type as EventType];
        expect(spec, e.type).toBeDefined();
        expect(e.schemaVersion).toBe(spec.schemaVersion);
        const parsed = spec.schema.safeParse(e.data);
        expect(parsed.success ? 'ok' : `${e.type}: ${parsed.error.message}`).toBe('ok');
      }
    });
  }
});
