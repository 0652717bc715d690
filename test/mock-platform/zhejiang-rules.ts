import { isValidCreditCode } from '../../src/personal/credit-code.ts';
import { isValidIdNumber } from '../../src/personal/id-number.ts';

/**
 * What a Zhejiang-style `offlinereport` platform checks of one pushed evaluation (docs/upstream.md,
 * fields from the Ningbo exchange controller's Javadoc). The first problem found is answered in the
 * platform's own way: HTTP 200, `{"result":"-1","resultmsg":"…"}`.
 */
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export const ZHEJIANG_REQUIRED = [
  'areaCode',
  'deptCode',
  'taskCode',
  'taskName',
  'projectNo',
  'proStatus',
  'pf',
  'certkeyGOV',
  'userName',
  'userProp',
  'assessTime',
  'assessNumber',
  'promiseTime',
  'acceptDate',
  'dataSource',
] as const;

export const ZHEJIANG_FIELDS = new Set<string>([
  ...ZHEJIANG_REQUIRED,
  'areaName',
  'taskHandleItem',
  'subMatter',
  'proDepartCode',
  'proDepart',
  'proManager',
  'satisfaction',
  'evalDetail',
  'writingEvaluation',
  'appStatus',
]);

/** The platform's indicator list for the offline evaluation (the mock's; a hall maps its reasons to these). */
export const ZHEJIANG_INDICATORS = new Set(['A01', 'A02', 'A03', 'A04', 'A05', 'A06']);

/** Null when the record is acceptable; else the platform's message. */
export function checkZhejiangReport(form: URLSearchParams): string | null {
  for (const key of new Set(form.keys())) {
    if (!ZHEJIANG_FIELDS.has(key)) return `未知参数[${key}]`;
    if (form.getAll(key).length > 1) return `参数[${key}]重复`;
  }
  for (const key of ZHEJIANG_REQUIRED) if (!form.get(key)) return `参数[${key}]不能为空`;
  const f = (k: string) => form.get(k) ?? '';
  if (!/^(\d{6}|\d{12})$/.test(f('areaCode'))) return '参数[areaCode]行政区划编码格式错误';
  if (!isValidCreditCode(f('deptCode'))) return '参数[deptCode]统一社会信用代码校验失败';
  if (!['1', '2', '3'].includes(f('proStatus'))) return '参数[proStatus]取值应为1、2、3';
  if (!/^[1-7]$/.test(f('pf'))) return '参数[pf]评价渠道取值应为1至7';
  if (!['1', '2'].includes(f('userProp'))) return '参数[userProp]取值应为1或2';
  if (f('userProp') === '1' && !isValidIdNumber(f('certkeyGOV'))) return '参数[certkeyGOV]身份证号码校验失败';
  if (f('userProp') === '2' && !isValidCreditCode(f('certkeyGOV'))) return '参数[certkeyGOV]统一社会信用代码校验失败';
  // 系统默认评价 is the platform's own act: a pushed record on channel 7 brings no level of its own.
  if (f('pf') === '7') {
    if (form.has('satisfaction')) return '参数[satisfaction]系统默认评价不应上传满意度';
  } else if (!/^[1-5]$/.test(f('satisfaction'))) return '参数[satisfaction]整体满意度取值应为1至5';
  const detail = form.get('evalDetail');
  if (detail !== null && !detail.split(',').every((c) => ZHEJIANG_INDICATORS.has(c))) return '参数[evalDetail]测评内容代码不在代码表中';
  if (/^[12]$/.test(f('satisfaction')) && !detail) return '参数[evalDetail]差评须选择测评内容';
  if (!DATETIME.test(f('assessTime'))) return '参数[assessTime]格式应为yyyy-MM-dd HH:mm:ss';
  if (!DATETIME.test(f('acceptDate'))) return '参数[acceptDate]格式应为yyyy-MM-dd HH:mm:ss';
  if (!['1', '2'].includes(f('assessNumber'))) return '参数[assessNumber]取值应为1或2';
  if (!['1', '2'].includes(f('promiseTime'))) return '参数[promiseTime]取值应为1或2';
  if (!/^\d{3}$/.test(f('dataSource'))) return '参数[dataSource]应为三位数字';
  return null;
}

const FOLLOWUP_FIELDS = new Set(['areaCode', 'deptCode', 'taskCode', 'projectNo', 'assessNumber', 'reviewType', 'reviewContent', 'reviewTime', 'reviewSatisfaction', 'rectifyStatus', 'reviewer', 'dataSource']);

/**
 * A follow-up result (回访 1, 整改 2) of a bad rating, filed by its case: refused unless the platform
 * already holds an evaluation of that case (the hub must send it after the rating it answers).
 */
export function checkZhejiangFollowup(form: URLSearchParams, ratedCases: ReadonlySet<string>): string | null {
  for (const key of new Set(form.keys())) {
    if (!FOLLOWUP_FIELDS.has(key)) return `未知参数[${key}]`;
    if (form.getAll(key).length > 1) return `参数[${key}]重复`;
  }
  for (const key of ['projectNo', 'reviewType', 'reviewContent', 'reviewTime', 'dataSource']) if (!form.get(key)) return `参数[${key}]不能为空`;
  const f = (k: string) => form.get(k) ?? '';
  if (!['1', '2'].includes(f('reviewType'))) return '参数[reviewType]取值应为1(回访)或2(整改)';
  if (!DATETIME.test(f('reviewTime'))) return '参数[reviewTime]格式应为yyyy-MM-dd HH:mm:ss';
  if (form.has('reviewSatisfaction') && !['0', '1'].includes(f('reviewSatisfaction'))) return '参数[reviewSatisfaction]取值应为0或1';
  if (form.has('rectifyStatus') && !['0', '1'].includes(f('rectifyStatus'))) return '参数[rectifyStatus]取值应为0或1';
  if (!ratedCases.has(f('projectNo'))) return `办件[${f('projectNo')}]的评价记录不存在,请先上报评价`;
  return null;
}
