/**
 * Names of the domain's codes (steps, kinds, roles) in the users' two languages, from the glossary
 * (`shared/domain/glossary-vi.md`): one place for the web app's screens and the notifications' mails. A code with
 * no name here is shown as it is, never hidden.
 */
export type CodeNames = Record<string, { vi: string; en: string }>;

export const STEP_NAMES: CodeNames = {
  draft: { vi: 'Chưa mở', en: 'Not opened' },
  preparing: { vi: 'Đang chuẩn bị hồ sơ', en: 'Preparing' },
  noticeOpen: { vi: 'Đang niêm yết công khai', en: 'Public notice open' },
  noticeClosed: { vi: 'Lấy ý kiến sự hài lòng', en: 'Satisfaction poll' },
  pollReported: { vi: 'Đã có báo cáo lấy ý kiến', en: 'Poll reported' },
  meetingHeld: { vi: 'Đã họp đề nghị', en: 'Proposal meeting held' },
  submitted: { vi: 'Đã nộp, chờ thẩm tra', en: 'Submitted' },
  verified: { vi: 'Đã thẩm tra', en: 'Verified' },
  forwarded: { vi: 'Đã trình tỉnh', en: 'Forwarded to the province' },
  appraised: { vi: 'Đã thẩm định', en: 'Appraised' },
  councilVoting: { vi: 'Hội đồng đang bỏ phiếu', en: 'Council voting' },
  councilApproved: { vi: 'Hội đồng tán thành', en: 'Council approved' },
  councilNotApproved: { vi: 'Hội đồng không tán thành', en: 'Council did not approve' },
  returned: { vi: 'Trả lại để hoàn thiện', en: 'Returned for rework' },
  recognised: { vi: 'Đã quyết định công nhận', en: 'Recognised' },
  refused: { vi: 'Không công nhận', en: 'Refused' },
  announced: { vi: 'Đã công bố', en: 'Announced' },
  withdrawn: { vi: 'Đã rút hồ sơ', en: 'Withdrawn' },
  assessing: { vi: 'Đang rà soát', en: 'Assessing' },
  assessed: { vi: 'Đã rà soát, đánh giá', en: 'Assessed' },
  dismissed: { vi: 'Không đủ căn cứ thu hồi', en: 'Dismissed' },
  revoked: { vi: 'Đã quyết định thu hồi', en: 'Revoked' },
  kept: { vi: 'Giữ nguyên công nhận', en: 'Recognition kept' },
  published: { vi: 'Đã công bố thu hồi', en: 'Revocation published' },
  acknowledged: { vi: 'Đã thừa nhận', en: 'Acknowledged' },
};

export const KIND_NAMES: CodeNames = {
  VILLAGE_NTM: { vi: 'Thôn đạt chuẩn NTM', en: 'Village NTM' },
  COMMUNE_NTM: { vi: 'Xã đạt chuẩn NTM', en: 'Commune NTM' },
  COMMUNE_ADVANCED: { vi: 'Xã NTM nâng cao', en: 'Commune advanced NTM' },
  COMMUNE_MODEL: { vi: 'Xã NTM kiểu mẫu', en: 'Commune model NTM' },
  REVOCATION: { vi: 'Thu hồi quyết định công nhận', en: 'Revocation' },
  POST_MERGER_ACKNOWLEDGEMENT: { vi: 'Thừa nhận sau sáp nhập', en: 'Post-merger acknowledgement' },
};

export const ROLE_NAMES: CodeNames = {
  commune_official: { vi: 'Cán bộ UBND xã', en: 'Commune official' },
  commune_chairman: { vi: 'Chủ tịch UBND xã', en: 'Commune chairman' },
  village_head: { vi: 'Trưởng thôn', en: 'Village head' },
  front_officer: { vi: 'Cán bộ Mặt trận Tổ quốc', en: 'Fatherland Front officer' },
  district_verifier: { vi: 'Cán bộ thẩm tra cấp huyện', en: 'District verifier' },
  district_chairman: { vi: 'Chủ tịch UBND huyện', en: 'District chairman' },
  provincial_appraiser: { vi: 'Cán bộ thẩm định cấp tỉnh', en: 'Provincial appraiser' },
  council_member: { vi: 'Thành viên Hội đồng thẩm định', en: 'Council member' },
  council_secretary: { vi: 'Thư ký Hội đồng thẩm định', en: 'Council secretary' },
  provincial_chairman: { vi: 'Chủ tịch UBND tỉnh', en: 'Provincial chairman' },
  auditor: { vi: 'Thanh tra, kiểm toán', en: 'Auditor' },
  administrator: { vi: 'Quản trị hệ thống', en: 'Administrator' },
};

/** The name of a code in `lang`, or the code itself. */
export const nameOf = (names: CodeNames, code: string, lang: 'vi' | 'en'): string =>
  names[code]?.[lang] ?? code;
