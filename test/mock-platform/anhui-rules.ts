import { isValidCreditCode } from '../../src/personal/credit-code.ts';
import { isValidIdNumber } from '../../src/personal/id-number.ts';

/**
 * What an Anhui-style platform checks of what a hall pushes (`{"params": {...}}`, Epoint-style
 * fields, docs/upstream.md): the service's case and applicant first; a level pushed by a key pad
 * only for a case it holds; a follow-up result only for a service rated on file. The first problem
 * is answered `{"status":{"code":"200"},"custom":{"code":"0","text":"…"}}`.
 */
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export interface AnhuiFiles {
  /** Services whose case the platform holds. */
  cases: ReadonlySet<string>;
  /** Services rated (on its page, or pushed). */
  rated: ReadonlySet<string>;
}

export type AnhuiPush = 'case' | 'rating' | 'followup';

export function kindOfPush(p: Record<string, unknown>): AnhuiPush {
  return p.reviewType !== undefined ? 'followup' : p.satisfaction !== undefined ? 'rating' : 'case';
}

export function checkAnhuiPush(body: unknown, files: AnhuiFiles): string | null {
  const params = (body as { params?: unknown } | null)?.params;
  if (!params || typeof params !== 'object' || Array.isArray(params)) return '请求体须为{"params":{...}}';
  const p = params as Record<string, unknown>;
  for (const [k, v] of Object.entries(p)) if (typeof v !== 'string') return `参数${k}须为字符串`;
  const f = (k: string) => (p[k] as string | undefined) ?? '';
  const need = (...keys: string[]) => keys.find((k) => !f(k));
  const sn = f('serviceNumber');
  switch (kindOfPush(p)) {
    case 'followup': {
      const missing = need('serviceNumber', 'projectNo', 'reviewType', 'reviewContent', 'reviewTime');
      if (missing) return `${missing}不能为空`;
      if (!['1', '2'].includes(f('reviewType'))) return 'reviewType取值应为1(回访)或2(整改)';
      if (!DATETIME.test(f('reviewTime'))) return 'reviewTime格式应为yyyy-MM-dd HH:mm:ss';
      if (!files.rated.has(sn)) return `服务${sn}没有评价记录,不能上报回访整改`;
      return null;
    }
    case 'rating': {
      const missing = need('serviceNumber', 'satisfaction', 'assessTime', 'pf');
      if (missing) return `${missing}不能为空`;
      if (!/^[1-5]$/.test(f('satisfaction'))) return 'satisfaction取值应为1至5';
      if (!files.cases.has(sn)) return `服务${sn}的办件信息不存在,请先推送服务数据`;
      return null;
    }
    case 'case': {
      const missing = need('serviceNumber', 'serviceName', 'serviceTime', 'projectNo', 'taskCode', 'taskName', 'taskType', 'deptCode', 'areaCode', 'orgcode', 'proStatus', 'userName', 'userProp', 'creditType', 'creditNum', 'certKeyGOV', 'dataSource');
      if (missing) return `${missing}不能为空`;
      if (!DATETIME.test(f('serviceTime'))) return 'serviceTime格式应为yyyy-MM-dd HH:mm:ss';
      if (!isValidCreditCode(f('deptCode'))) return 'deptCode统一社会信用代码校验失败';
      if (!/^(\d{6}|\d{12})$/.test(f('areaCode'))) return 'areaCode行政区划编码格式错误';
      if (f('orgcode') !== `${f('areaCode')}_${f('deptCode')}`) return 'orgcode应为areaCode_deptCode';
      if (!['1', '2'].includes(f('taskType'))) return 'taskType取值应为1或2';
      if (!['1', '2'].includes(f('userProp'))) return 'userProp取值应为1或2';
      if (f('userProp') === '1' && (f('creditType') !== '111' || !isValidIdNumber(f('creditNum')))) return 'creditNum身份证号码校验失败';
      if (f('userProp') === '2' && (f('creditType') !== '001' || !isValidCreditCode(f('creditNum')))) return 'creditNum统一社会信用代码校验失败';
      if (f('certKeyGOV') !== f('creditNum')) return 'certKeyGOV应与creditNum一致';
      return null;
    }
  }
}

/** The case the pad put in the page's URL: base64 applied twice, as the province's page reads it. */
export function decodePageParam(url: string): Record<string, string> {
  const param = new URL(url).searchParams.get('param');
  if (!param) throw new Error('no param in the page URL');
  return JSON.parse(Buffer.from(Buffer.from(param, 'base64').toString('utf8'), 'base64').toString('utf8')) as Record<string, string>;
}
