import { describe, expect, it } from 'vitest';
import { isConnectionLoss } from './SqlClient.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isConnectionLoss', () => {
  it.each([
    [
      'a terminated backend (57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['a server starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', withCode('08006')],
    ['too many clients (53300)', withCode('53300')],
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', withCode('ECONNRESET')],
    ['every address refused', new AggregateError([withCode('ECONNREFUSED')], 'connect failed')],
    ['a connection lost under a query', new Error('Connection terminated unexpectedly')],
    ['a broken client', new Error('Client has encountered a connection error and is not queryable')],
  ])('is true for %s', (_name, error) => {
    expect(isConnectionLoss(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a missing table', withCode('42P01')],
    ['a plain error', new Error('boom')],
    ['not an error', { code: '57P01' }],
  ])('is false for %s', (_name, error) => {
    expect(isConnectionLoss(error)).toBe(false);
  });
});
