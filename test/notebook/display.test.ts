import { describe, expect, it } from 'vitest';
import { DataFrame, Series } from 'danfojs-node';
import { displayValue, ROWS_SHOWN } from '../../src/notebook/display.js';

describe('displayValue: what a cell result looks like', () => {
  it('shows a DataFrame as a text table and an HTML table (hand-written)', () => {
    const df = new DataFrame({ name: ['a', 'b<'], x: [1.5, -2], ok: [true, false] });
    expect(displayValue(df)).toEqual({
      'text/plain': ['   name    x  ok', '-  ----  ---  -----', '0  a     1.5  true', '1  b<     -2  false', '[2 rows x 3 columns]'].join('\n'),
      'text/html':
        '<table>\n<thead><tr><th></th><th>name</th><th>x</th><th>ok</th></tr></thead>\n<tbody>\n' +
        '<tr><th>0</th><td>a</td><td>1.5</td><td>true</td></tr>\n<tr><th>1</th><td>b&lt;</td><td>-2</td><td>false</td></tr>\n' +
        '</tbody>\n</table>\n<p>[2 rows x 3 columns]</p>',
    });
  });

  it('reads the frame through danfojs getters, so columns named values or index still show', () => {
    const df = new DataFrame({ values: ['p', 'q'], index: [7, 8] });
    expect(displayValue(df)['text/plain']).toBe(['   values  index', '-  ------  -----', '0  p           7', '1  q           8', '[2 rows x 2 columns]'].join('\n'));
  });

  it(`shows the first ${ROWS_SHOWN} rows of a long frame and says how many more there are`, () => {
    const df = new DataFrame({ n: Array.from({ length: 25 }, (_, i) => i * 10) });
    const lines = displayValue(df)['text/plain'].split('\n');
    expect(lines).toHaveLength(2 + ROWS_SHOWN + 2);
    expect(lines[2 + ROWS_SHOWN - 1]).toBe('19  190');
    expect(lines.slice(-2)).toEqual(['... 5 more rows', '[25 rows x 1 columns]']);
  });

  it('shows a Series as one column, anything else through util.inspect', () => {
    const s = new Series([3, 4], { columns: ['v'] } as never);
    expect(displayValue(s)['text/plain']).toBe(['   v', '-  -', '0  3', '1  4', '[2 rows x 1 columns]'].join('\n'));
    expect(displayValue({ a: [1, 2], b: 'x' })).toEqual({ 'text/plain': "{ a: [ 1, 2 ], b: 'x' }" });
    expect(displayValue(new Float64Array([0.5]))).toEqual({ 'text/plain': 'Float64Array(1) [ 0.5 ]' });
  });
});
