import { isDatabaseUnavailable } from './database-errors';

describe(isDatabaseUnavailable.name, () => {
  it.each([
    [{ code: 'ECONNREFUSED' }],
    [{ message: 'query failed', driverError: { code: 'PROTOCOL_CONNECTION_LOST' } }],
    [{ driverError: { code: 'ER_DBACCESS_DENIED_ERROR' } }],
    [{ code: 'SQLITE_BUSY' }],
    [new Error('Driver not Connected')],
    [{ cause: { code: 'ETIMEDOUT' } }],
  ])('recognises %j as an outage', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [new Error('boom')],
    [{ code: 'ER_DUP_ENTRY' }],
    [{ driverError: { code: 'ER_PARSE_ERROR' } }],
    [null],
    ['ECONNREFUSED'],
  ])('does not treat %j as an outage', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
