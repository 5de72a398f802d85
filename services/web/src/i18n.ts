/**
 * The web app's two languages: Vietnamese by default, English on request (the `lang` cookie set by the switch,
 * else the browser's first language). Dates as dd/mm/yyyy and numbers as vi-VN in both, as officials write them.
 */
import type { FastifyRequest } from 'fastify';

export type Lang = 'vi' | 'en';

/** The request's language: the switch's cookie, else English only when the browser asks for it first. */
export function langOf(request: FastifyRequest): Lang {
  const chosen = request.cookies?.['lang'];
  if (chosen === 'vi' || chosen === 'en') return chosen;
  const first = request.headers['accept-language']?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'vi';
}

/** dd/mm/yyyy of an ISO date or instant, on Vietnam's calendar day. */
export function formatDate(value: string | Date): string {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : vietnamDay(value);
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** dd/mm/yyyy hh:mm in Vietnam (UTC+7, no daylight saving). */
export function formatDateTime(value: string | Date): string {
  const shifted = new Date(new Date(value).getTime() + 7 * 3600_000).toISOString();
  return `${formatDate(shifted.slice(0, 10))} ${shifted.slice(11, 16)}`;
}

function vietnamDay(value: string | Date): string {
  return new Date(new Date(value).getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

const NUMBER = new Intl.NumberFormat('vi-VN');
/** A number as Vietnamese write it (1.234,5). */
export const formatNumber = (n: number): string => NUMBER.format(n);

/** Every text of the app, in both languages. */
export const MESSAGES = {
  appName: { vi: 'Hồ sơ Nông thôn mới', en: 'New Rural Development dossiers' },
  skipToContent: { vi: 'Chuyển đến nội dung chính', en: 'Skip to main content' },
  signIn: { vi: 'Đăng nhập', en: 'Sign in' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },
  signedInAs: { vi: 'Đang đăng nhập', en: 'Signed in as' },
  switchLanguage: { vi: 'English', en: 'Tiếng Việt' },
  inbox: { vi: 'Hồ sơ chờ xử lý', en: 'Inbox' },
  dossiers: { vi: 'Danh sách hồ sơ', en: 'Dossiers' },
  inboxIntro: {
    vi: 'Các hồ sơ đang chờ vai trò và đơn vị của bạn xử lý.',
    en: 'The dossiers waiting for your role and unit.',
  },
  noDossiers: { vi: 'Không có hồ sơ nào chờ xử lý.', en: 'Nothing is waiting for you.' },
  dossier: { vi: 'Hồ sơ', en: 'Dossier' },
  unit: { vi: 'Đơn vị', en: 'Unit' },
  kind: { vi: 'Loại hồ sơ', en: 'Kind' },
  step: { vi: 'Bước', en: 'Step' },
  waitingSince: { vi: 'Chờ từ', en: 'Waiting since' },
  deadline: { vi: 'Hạn xử lý', en: 'Deadline' },
  workingDaysLeft: { vi: 'ngày làm việc còn lại', en: 'working days left' },
  dueSoon: { vi: 'Sắp đến hạn', en: 'Due soon' },
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  onTime: { vi: 'Trong hạn', en: 'On time' },
  noDeadline: { vi: 'Không có hạn', en: 'No deadline' },
  countPerStep: { vi: 'Số hồ sơ theo bước', en: 'Dossiers per step' },
  filter: { vi: 'Lọc', en: 'Filter' },
  allSteps: { vi: 'Tất cả các bước', en: 'All steps' },
  allKinds: { vi: 'Tất cả loại hồ sơ', en: 'All kinds' },
  saveFilter: { vi: 'Lưu bộ lọc', en: 'Save filter' },
  savedFilters: { vi: 'Bộ lọc đã lưu', en: 'Saved filters' },
  open: { vi: 'Mở', en: 'Open' },
  openDossier: { vi: 'Mở hồ sơ mới', en: 'Open a new dossier' },
  chooseAccount: { vi: 'Chọn tài khoản thử nghiệm', en: 'Choose a demo account' },
  chooseAccountIntro: {
    vi: 'Đây là nhà cung cấp định danh nhúng dùng để thử nghiệm. Không có mật khẩu nào được lưu.',
    en: 'This is the embedded identity provider for trying the engine. No password is stored.',
  },
  continue: { vi: 'Tiếp tục', en: 'Continue' },
  role: { vi: 'Vai trò', en: 'Role' },
  tasks: { vi: 'Các bước của thủ tục', en: 'Steps of the procedure' },
  done: { vi: 'Đã xong', en: 'Completed' },
  current: { vi: 'Đang thực hiện', en: 'In progress' },
  notStarted: { vi: 'Chưa bắt đầu', en: 'Not started' },
  criteria: { vi: 'Bảng tiêu chí', en: 'Criteria' },
  criterion: { vi: 'Tiêu chí', en: 'Criterion' },
  selfAssessment: { vi: 'Tự đánh giá', en: 'Self-assessment' },
  verification: { vi: 'Thẩm tra', en: 'Verification' },
  appraisal: { vi: 'Thẩm định', en: 'Appraisal' },
  met: { vi: 'Đạt', en: 'Met' },
  notMet: { vi: 'Không đạt', en: 'Not met' },
  documents: { vi: 'Tài liệu', en: 'Documents' },
  checklist: { vi: 'Tài liệu bắt buộc theo bước', en: 'Documents required at each step' },
  requiredDocument: { vi: 'Tài liệu', en: 'Document' },
  legalBasis: { vi: 'Căn cứ', en: 'Legal basis' },
  present: { vi: 'Đã có', en: 'Present' },
  missing: { vi: 'Còn thiếu', en: 'Missing' },
  unconfirmed: { vi: 'chưa xác nhận', en: 'unconfirmed' },
  notice: { vi: 'Niêm yết, công khai', en: 'Public notice' },
  poll: { vi: 'Lấy ý kiến sự hài lòng', en: 'Satisfaction poll' },
  history: { vi: 'Lịch sử', en: 'History' },
  actions: { vi: 'Việc bạn có thể làm', en: 'What you can do' },
  noActions: {
    vi: 'Bạn không có thao tác nào ở bước này.',
    en: 'There is nothing for you to do at this step.',
  },
  checkAnswers: { vi: 'Kiểm tra thông tin trước khi gửi', en: 'Check your answers before submitting' },
  change: { vi: 'Sửa', en: 'Change' },
  submit: { vi: 'Gửi', en: 'Submit' },
  errorSummary: { vi: 'Có lỗi cần sửa', en: 'There is a problem' },
  back: { vi: 'Quay lại', en: 'Back' },
  yes: { vi: 'Có', en: 'Yes' },
  no: { vi: 'Không', en: 'No' },
  none: { vi: '(trống)', en: '(empty)' },
  optional: { vi: '(không bắt buộc)', en: '(optional)' },
  required: { vi: 'Bắt buộc nhập', en: 'Required' },
  notANumber: { vi: 'Hãy nhập một số', en: 'Enter a number' },
  notADate: {
    vi: 'Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/08/2025',
    en: 'Enter a date as dd/mm/yyyy, for example 05/08/2025',
  },
  dateHint: { vi: 'Ngày/tháng/năm, ví dụ 05/08/2025', en: 'Day/month/year, for example 05/08/2025' },
  invalidValue: { vi: 'Giá trị không hợp lệ', en: 'The value is not valid' },
  confirmAndSend: { vi: 'Xác nhận và gửi', en: 'Confirm and send' },
  checkIntro: {
    vi: 'Kiểm tra lại thông tin. Sau khi gửi, thao tác được ghi vào nhật ký hồ sơ và không thể xóa.',
    en: 'Check the information. Once sent, the step is recorded in the dossier log and cannot be deleted.',
  },
  noAnswers: { vi: 'Không có thông tin nào cần nhập.', en: 'Nothing to fill in.' },
  returnedFix: { vi: 'Hồ sơ bị trả lại: nội dung cần hoàn thiện', en: 'Returned: what must be fixed' },
  version: { vi: 'Phiên bản hồ sơ', en: 'Dossier version' },
  commune: { vi: 'Xã', en: 'Commune' },
  comments: { vi: 'Ý kiến góp ý', en: 'Comments' },
  answer: { vi: 'Trả lời', en: 'Answer' },
  village: { vi: 'Thôn', en: 'Village' },
  report: { vi: 'Báo cáo', en: 'Report' },
  council: { vi: 'Hội đồng thẩm định', en: 'Appraisal council' },
  decision: { vi: 'Quyết định', en: 'Decision' },
  notRecorded: { vi: 'Chưa ghi nhận', en: 'Not recorded' },
  deadlines: { vi: 'Thời hạn xử lý', en: 'Deadlines' },
  number: { vi: 'Số ký hiệu', en: 'Number' },
  issuedOnLabel: { vi: 'Ban hành', en: 'Issued' },
  evidence: { vi: 'Minh chứng', en: 'Evidence' },
  households: { vi: 'Số hộ', en: 'Households' },
  respondents: { vi: 'Số hộ tham gia', en: 'Respondents' },
  satisfied: { vi: 'Số hộ hài lòng', en: 'Satisfied' },
  dossierNotFound: {
    vi: 'Không tìm thấy hồ sơ, hoặc bạn không có quyền xem hồ sơ này.',
    en: 'The dossier does not exist, or you may not see it.',
  },
  audit: { vi: 'Kiểm tra, truy vết', en: 'Audit and replay' },
  chainOk: { vi: 'Chuỗi băm toàn vẹn', en: 'Hash chain intact' },
  chainBroken: { vi: 'Chuỗi băm bị phá vỡ tại sự kiện', en: 'Hash chain broken at event' },
  stateAt: { vi: 'Trạng thái tại phiên bản', en: 'State at revision' },
  show: { vi: 'Xem', en: 'Show' },
  revision: { vi: 'Phiên bản', en: 'Revision' },
  event: { vi: 'Sự kiện', en: 'Event' },
  actor: { vi: 'Người thực hiện', en: 'Actor' },
  time: { vi: 'Thời điểm', en: 'Time' },
  from: { vi: 'Từ', en: 'From' },
  to: { vi: 'Đến', en: 'To' },
  year: { vi: 'Năm', en: 'Year' },
  status: { vi: 'Trạng thái', en: 'Status' },
  notFound: { vi: 'Không tìm thấy trang', en: 'Page not found' },
  forbidden: {
    vi: 'Bạn không có quyền xem trang này.',
    en: 'You do not have permission to see this page.',
  },
  sessionExpired: {
    vi: 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.',
    en: 'Your session has expired. Sign in again.',
  },
  formExpired: {
    vi: 'Biểu mẫu đã hết hạn. Hãy tải lại trang và gửi lại.',
    en: 'The form has expired. Reload the page and submit again.',
  },
  serverError: { vi: 'Đã có lỗi xảy ra. Hãy thử lại sau.', en: 'Something went wrong. Try again later.' },
  signInIntro: {
    vi: 'Đăng nhập bằng tài khoản định danh của tỉnh để xử lý hồ sơ công nhận Nông thôn mới.',
    en: "Sign in with your province's identity account to work on New Rural Development recognition dossiers.",
  },
  apiDocs: { vi: 'Tài liệu API', en: 'API documentation' },
  concurrentChange: {
    vi: 'Hồ sơ vừa được người khác thay đổi. Hãy xem lại và gửi lại.',
    en: 'Someone else has just changed the dossier. Review it and submit again.',
  },
  commandDone: { vi: 'Đã ghi nhận', en: 'Recorded' },
  ballotOpen: { vi: 'Phiên bỏ phiếu đang mở', en: 'Ballot open' },
  votedCount: { vi: 'Đã bỏ phiếu', en: 'Voted' },
  recusedCount: { vi: 'Không tham gia (xung đột lợi ích)', en: 'Recused' },
  tally: { vi: 'Kết quả tạm thời', en: 'Running tally' },
  downloadBundle: { vi: 'Tải gói kiểm toán có chữ ký số', en: 'Download the signed audit bundle' },
  events: { vi: 'sự kiện', en: 'events' },
  data: { vi: 'Dữ liệu', en: 'Data' },
  onBehalfOf: { vi: 'Thay mặt', en: 'On behalf of' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof MESSAGES;
export type Translate = (key: MessageKey) => string;

export const translator =
  (lang: Lang): Translate =>
  (key) =>
    MESSAGES[key][lang];
