//! The words of the exported reports (Excel, CSV). Only the server writes them, so none
//! of these strings is in the browser's code.

words! {
    pub enum ReportKey {
        Title => ("BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ", "REPORT ON THE CARRYING OUT OF TASKS"),
        MadeOn => ("Ngày lập", "Made on"),
        Deadlines => ("Thời hạn", "Deadlines"),
        AllDeadlines => ("Mọi thời hạn", "All deadlines"),
        Directive => ("Văn bản chỉ đạo", "Directive"),
        Task => ("Nhiệm vụ", "Task"),
        Unit => ("Đơn vị thực hiện", "Unit"),
        UnitCode => ("Mã đơn vị", "Unit code"),
        Period => ("Kỳ báo cáo", "Period"),
        Role => ("Vai trò", "Role"),
        LastDay => ("Hạn cuối", "Last day"),
        State => ("Tình trạng", "State"),
        DueSoon => ("Sắp đến hạn", "Due soon"),
        DoneAt => ("Hoàn thành lúc", "Done at"),
        ItemsDone => ("Số mục đã xong", "Items done"),
        ItemsTotal => ("Tổng số mục", "Items"),
        DaysLate => ("Số ngày quá hạn", "Days overdue"),
        Overdue => ("Quá hạn", "Overdue"),
    }
}
