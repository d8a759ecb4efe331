//! The words of the exported reports (Excel, CSV). Only the server writes them, so none
//! of these strings is in the browser's code.

use super::Words;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKey {
    Title,
    MadeOn,
    Deadlines,
    AllDeadlines,
    Directive,
    Task,
    Unit,
    UnitCode,
    Period,
    Role,
    LastDay,
    State,
    DueSoon,
    DoneAt,
    ItemsDone,
    ItemsTotal,
    DaysLate,
    Overdue,
}

impl Words for ReportKey {
    fn vietnamese(self) -> &'static str {
        use ReportKey::*;
        match self {
            Title => "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ",
            MadeOn => "Ngày lập",
            Deadlines => "Thời hạn",
            AllDeadlines => "Mọi thời hạn",
            Directive => "Văn bản chỉ đạo",
            Task => "Nhiệm vụ",
            Unit => "Đơn vị thực hiện",
            UnitCode => "Mã đơn vị",
            Period => "Kỳ báo cáo",
            Role => "Vai trò",
            LastDay => "Hạn cuối",
            State => "Tình trạng",
            DueSoon => "Sắp đến hạn",
            DoneAt => "Hoàn thành lúc",
            ItemsDone => "Số mục đã xong",
            ItemsTotal => "Tổng số mục",
            DaysLate => "Số ngày quá hạn",
            Overdue => "Quá hạn",
        }
    }

    fn english(self) -> &'static str {
        use ReportKey::*;
        match self {
            Title => "REPORT ON THE CARRYING OUT OF TASKS",
            MadeOn => "Made on",
            Deadlines => "Deadlines",
            AllDeadlines => "All deadlines",
            Directive => "Directive",
            Task => "Task",
            Unit => "Unit",
            UnitCode => "Unit code",
            Period => "Period",
            Role => "Role",
            LastDay => "Last day",
            State => "State",
            DueSoon => "Due soon",
            DoneAt => "Done at",
            ItemsDone => "Items done",
            ItemsTotal => "Items",
            DaysLate => "Days overdue",
            Overdue => "Overdue",
        }
    }
}
