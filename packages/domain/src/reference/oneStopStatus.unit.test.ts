import { describe, expect, it } from 'vitest';
import { WORKFLOWS } from '../workflows/registry.js';
import { ONE_STOP_STATUS, ONE_STOP_STATUS_CODES, oneStopStatusOf } from './oneStopStatus.js';

describe('one-stop status codes', () => {
  it('map every step of every workflow (draft aside), and nothing else', () => {
    const steps = new Set(
      WORKFLOWS.flatMap((w) => w.definition.edges.flatMap((e) => [e.from, e.to])).filter(
        (s) => s !== 'draft',
      ),
    );
    expect(Object.keys(ONE_STOP_STATUS.steps).sort()).toEqual([...steps].sort());
  });

  it('are the conventions’ ten codes, none confirmed yet', () => {
    expect(Object.keys(ONE_STOP_STATUS_CODES)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    for (const mapped of Object.values(ONE_STOP_STATUS.steps)) expect(mapped.confirmed).toBe(false);
    expect(oneStopStatusOf('submitted')).toEqual({ code: 2, name: 'Được tiếp nhận', confirmed: false });
    expect(oneStopStatusOf('returned')?.code).toBe(5);
    expect(oneStopStatusOf('withdrawn')?.code).toBe(7);
    expect(oneStopStatusOf('announced')?.code).toBe(10);
    expect(oneStopStatusOf('draft')).toBeUndefined();
  });
});
