/**
 * Labels of the command fields and their choices, in both languages (the contracts' descriptions are English
 * and technical). A field with no label here falls back to its contract description, then its name.
 */
import type { Lang } from './i18n.js';

type Names = Record<string, { vi: string; en: string }>;

export const FIELD_NAMES: Names = {
  kind: { vi: 'Loại hồ sơ', en: 'Kind of dossier' },
  unitCode: { vi: 'Mã đơn vị', en: 'Unit code' },
  year: { vi: 'Năm đăng ký đạt chuẩn', en: 'Recognition round (year)' },
  communeCode: { vi: 'Mã xã', en: 'Commune code' },
  constructionDebt: { vi: 'Nợ đọng xây dựng cơ bản', en: 'Construction debt' },
  outstanding: { vi: 'Còn nợ đọng', en: 'Outstanding' },
  amountVnd: { vi: 'Số tiền (đồng)', en: 'Amount (VND)' },
  securityClassification: { vi: 'Phân loại an ninh, trật tự', en: 'Security classification' },
  criterionCode: { vi: 'Tiêu chí', en: 'Criterion' },
  met: { vi: 'Đạt', en: 'Met' },
  indicators: { vi: 'Chỉ tiêu', en: 'Indicators' },
  code: { vi: 'Mã', en: 'Code' },
  value: { vi: 'Giá trị', en: 'Value' },
  unit: { vi: 'Đơn vị tính', en: 'Unit' },
  evidence: { vi: 'Minh chứng', en: 'Evidence' },
  description: { vi: 'Mô tả', en: 'Description' },
  documentNo: { vi: 'Số ký hiệu văn bản', en: 'Document number' },
  sha256: { vi: 'Mã băm SHA-256 của tệp', en: "File's SHA-256 hash" },
  documentId: { vi: 'Mã tài liệu', en: 'Document id' },
  documentKind: { vi: 'Loại tài liệu', en: 'Kind of document' },
  number: { vi: 'Số ký hiệu', en: 'Number' },
  issuedOn: { vi: 'Ngày ban hành', en: 'Issued on' },
  issuingBody: { vi: 'Cơ quan ban hành', en: 'Issuing body' },
  signer: { vi: 'Người ký', en: 'Signer' },
  name: { vi: 'Họ và tên', en: 'Name' },
  title: { vi: 'Chức vụ', en: 'Title' },
  copy: { vi: 'Bản chính hay bản sao', en: 'Original or copy' },
  channel: { vi: 'Hình thức niêm yết', en: 'Channel' },
  from: { vi: 'Ngày bắt đầu', en: 'First day' },
  commentId: { vi: 'Mã ý kiến', en: 'Comment id' },
  receivedOn: { vi: 'Ngày nhận', en: 'Received on' },
  author: { vi: 'Người góp ý', en: 'Author' },
  text: { vi: 'Nội dung', en: 'Text' },
  response: { vi: 'Nội dung trả lời', en: 'Answer' },
  villageId: { vi: 'Mã thôn', en: 'Village id' },
  households: { vi: 'Số hộ trong thôn', en: 'Households' },
  respondents: { vi: 'Số hộ tham gia', en: 'Respondents' },
  satisfied: { vi: 'Số hộ hài lòng', en: 'Satisfied' },
  reportNo: { vi: 'Số báo cáo', en: 'Report number' },
  heldOn: { vi: 'Ngày họp', en: 'Held on' },
  attendees: { vi: 'Số người dự', en: 'Attendees' },
  for: { vi: 'Số phiếu đồng ý', en: 'For' },
  against: { vi: 'Số phiếu không đồng ý', en: 'Against' },
  blank: { vi: 'Số phiếu trắng', en: 'Blank' },
  letterNo: { vi: 'Số tờ trình', en: 'Letter number' },
  changes: { vi: 'Nội dung đã hoàn thiện', en: 'What was reworked' },
  criteria: { vi: 'Kết quả theo tiêu chí', en: 'Result per criterion' },
  note: { vi: 'Ghi chú', en: 'Note' },
  reasons: { vi: 'Lý do', en: 'Reasons' },
  detail: { vi: 'Nội dung cần hoàn thiện', en: 'What must be fixed' },
  complete: { vi: 'Hồ sơ đầy đủ thành phần', en: 'The dossier is complete' },
  fieldCheck: { vi: 'Kiểm tra thực tế', en: 'Field check' },
  passed: { vi: 'Đạt yêu cầu', en: 'Passed' },
  membersTotal: { vi: 'Tổng số thành viên Hội đồng', en: 'Council members in total' },
  presentMemberIds: { vi: 'Thành viên có mặt (mỗi dòng một mã)', en: 'Members present (one id per line)' },
  recusedMemberIds: {
    vi: 'Thành viên không bỏ phiếu (mỗi dòng một mã)',
    en: 'Members recused (one id per line)',
  },
  outcome: { vi: 'Kết quả', en: 'Outcome' },
  decisionNo: { vi: 'Số quyết định', en: 'Decision number' },
  decidedOn: { vi: 'Ngày quyết định', en: 'Decided on' },
  yearRecognised: { vi: 'Năm đạt chuẩn', en: 'Year recognised' },
  announcedOn: { vi: 'Ngày công bố', en: 'Announced on' },
  reason: { vi: 'Lý do', en: 'Reason' },
  publishedOn: { vi: 'Ngày công bố', en: 'Published on' },
  trigger: { vi: 'Căn cứ rà soát', en: 'Trigger' },
  criteriaSetId: { vi: 'Bộ tiêu chí', en: 'Criteria set' },
  totalCriteria: { vi: 'Tổng số tiêu chí', en: 'Criteria in total' },
  failingCriteria: { vi: 'Tiêu chí không đạt (mỗi dòng một mã)', en: 'Failing criteria (one per line)' },
  tier: { vi: 'Mức đạt chuẩn', en: 'Tier' },
  targetRecognition: { vi: 'Quyết định công nhận cần thu hồi', en: 'Recognition to revoke' },
  predecessors: { vi: 'Các xã trước sáp nhập', en: 'Communes before the merger' },
};

export const CHOICE_NAMES: Names = {
  recognise: { vi: 'Công nhận', en: 'Recognise' },
  refuse: { vi: 'Không công nhận', en: 'Refuse' },
  revoke: { vi: 'Thu hồi', en: 'Revoke' },
  keep: { vi: 'Giữ nguyên', en: 'Keep' },
  acknowledge: { vi: 'Thừa nhận', en: 'Acknowledge' },
  original: { vi: 'Bản chính', en: 'Original' },
  commune_office: { vi: 'Trụ sở UBND xã', en: 'Commune office' },
  village_hall: { vi: 'Nhà văn hóa thôn', en: 'Village hall' },
  loudspeaker: { vi: 'Hệ thống loa truyền thanh', en: 'Loudspeaker' },
  web_portal: { vi: 'Cổng thông tin điện tử', en: 'Web portal' },
  safe_for_security_and_order: { vi: 'Đảm bảo an ninh, trật tự', en: 'Safe for security and order' },
  not_complex_area: { vi: 'Không phải địa bàn phức tạp', en: 'Not a complex area' },
  complex_area: { vi: 'Địa bàn phức tạp', en: 'Complex area' },
  ntm: { vi: 'Đạt chuẩn NTM', en: 'NTM' },
  advanced: { vi: 'NTM nâng cao', en: 'Advanced NTM' },
  model: { vi: 'NTM kiểu mẫu', en: 'Model NTM' },
};

/** The label of a field from its dotted name (the last segment names it). */
export function fieldLabel(name: string, lang: Lang, description?: string): string {
  const key = name.split('.').at(-1)!;
  return FIELD_NAMES[key]?.[lang] ?? description ?? key;
}

export const choiceLabel = (value: string, lang: Lang): string => CHOICE_NAMES[value]?.[lang] ?? value;
