/**
 * `pnpm open-data:export -- [--province <code>] [--year <yyyy>] [--format csv|json] [--out <file>]`: the open data
 * of `GET /open-data/recognitions` as a file to publish (CSV by default), from the configured read models. No
 * personal data. Writes to stdout without `--out`.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openRecognitionsCsv, queryOpenRecognitions } from '@ntm/projections';
import { runCli } from './runCli.js';

const USAGE =
  'usage: pnpm open-data:export -- [--province <code>] [--year <yyyy>] [--format csv|json] [--out <file>]';

runCli(
  'ntm-open-data-export',
  async ({ args, infra }) => {
    const { values } = parseArgs({
      args,
      options: {
        province: { type: 'string' },
        year: { type: 'string' },
        format: { type: 'string', default: 'csv' },
        out: { type: 'string' },
      },
      strict: true,
    });
    if (values.province !== undefined && !/^\d{2}$/.test(values.province))
      throw new Error('--province is a two-digit province code');
    if (values.year !== undefined && !/^\d{4}$/.test(values.year)) throw new Error('--year is a year');
    if (values.format !== 'csv' && values.format !== 'json') throw new Error('--format is csv or json');
    const data = await queryOpenRecognitions(
      infra.sql,
      { provinceCode: values.province, year: values.year === undefined ? undefined : Number(values.year) },
      infra.readModelSchema,
    );
    const text = values.format === 'csv' ? openRecognitionsCsv(data) : `${JSON.stringify(data, null, 2)}\n`;
    if (values.out) {
      await writeFile(values.out, text);
      process.stderr.write(`${values.out}: ${data.recognitions.length} recognitions\n`);
    } else process.stdout.write(text);
    return 0;
  },
  { usage: USAGE, failCode: 2 },
);
