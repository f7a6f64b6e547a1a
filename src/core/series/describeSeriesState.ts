// A short Chinese phrase stating a series' facts, for the offline digest and the LLM prompt.
// The output holds mail text (names, branch names): renderers escape it like any other mail text.

import type { Series, SeriesState } from '../types.js';

const STATE_WORDS: Record<SeriesState, string> = {
  new: '尚无评审',
  reviewed: '已获评审',
  'changes-requested': '评审者要求修改',
  applied: '已合入',
  nacked: '被否决（NAK）',
};

/** e.g. "v3，共 5 个补丁（缺 4），已获评审：Reviewed-by 来自 Marc Zyngier、Oliver Upton". */
export function describeSeriesState(series: Series): string {
  const parts: string[] = [];
  let head = `v${series.version}，共 ${series.total} 个补丁`;
  if (series.missing.length > 0) head += `（缺第 ${series.missing.join('、')} 个）`;
  parts.push(head);

  let state = STATE_WORDS[series.state];
  if (series.state === 'applied' && series.appliedTo) state += `（${series.appliedTo}）`;
  if (series.state === 'applied') {
    const appliedCount = series.patches.filter((p) => p.state === 'applied').length;
    if (appliedCount > 0 && appliedCount < series.patches.length) state += `，${appliedCount}/${series.patches.length} 个补丁`;
  }
  parts.push(state);

  if (series.reviewers.length > 0) {
    const names = series.reviewers.slice(0, 5).map((r) => r.name || r.address);
    const more = series.reviewers.length > 5 ? ` 等 ${series.reviewers.length} 人` : '';
    parts.push(`评审者：${names.join('、')}${more}`);
  }
  if (series.state !== 'applied' && series.patches.length > 1) {
    const unreviewed = series.patches.filter((p) => p.state === 'new').map((p) => p.index);
    if (unreviewed.length > 0 && unreviewed.length < series.patches.length) {
      parts.push(`尚未评审的补丁：${unreviewed.join('、')}`);
    }
    const asked = series.patches.filter((p) => p.state === 'changes-requested').map((p) => p.index);
    if (asked.length > 0) parts.push(`要求修改的补丁：${asked.join('、')}`);
  }
  if (series.previous.length > 0) {
    const versions = [...new Set(series.previous.map((p) => `v${p.version}`))];
    parts.push(`此前版本：${versions.join('、')}`);
  }
  return parts.join('；');
}
