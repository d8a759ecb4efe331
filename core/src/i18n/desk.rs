//! The words of the supervisors' and admins' pages (progress, directive writing, units and
//! accounts, conflict review). A commune tablet never shows them; kept apart from
//! [`super::Key`], they load with those pages' wasm chunks.

use crate::domain::authoring::InputField;
use crate::domain::unit_import::RowProblem;
use crate::domain::{DeadlineKind, Role, TaskState, UnitKind, UnitRole};

words! {
    pub enum DeskKey {
        AssignmentTitle => ("Chi tiết thực hiện", "Work in detail"),
        Close => ("Đóng", "Close"),
        History => ("Lịch sử cập nhật", "History"),
        MadeAt => ("làm lúc", "done at"),
        SyncedAt => ("đồng bộ lúc", "synced at"),
        DownloadExcel => ("Tải Excel", "Download Excel"),
        DownloadCsv => ("Tải CSV", "Download CSV"),
        Print => ("In báo cáo", "Print"),
        LiveConnecting => ("Đang kết nối trực tiếp…", "Connecting live…"),
        LiveOpen => ("Cập nhật trực tiếp", "Live"),
        LiveLost => (
            "Mất kết nối trực tiếp — đang tự cập nhật định kỳ",
            "Live updates lost — refreshing now and then",
        ),
        DashboardTitle => ("Bảng theo dõi thực hiện nhiệm vụ", "Task follow-up dashboard"),
        AsOf => ("Số liệu lúc", "Figures as of"),
        DueSoon => ("Sắp đến hạn", "Due soon"),
        FilterDirective => ("Văn bản chỉ đạo", "Directive"),
        AllDirectives => ("Tất cả văn bản", "All directives"),
        FilterUnit => ("Đơn vị (gồm cấp dưới)", "Unit (and below)"),
        AllUnits => ("Tất cả đơn vị", "All units"),
        FilterState => ("Tình trạng", "State"),
        AllStates => ("Mọi tình trạng", "Any state"),
        FilterRole => ("Vai trò", "Role"),
        AllRoles => ("Mọi vai trò", "Any role"),
        DueFrom => ("Hạn từ ngày", "Due from"),
        DueTo => ("Hạn đến ngày", "Due until"),
        NoWork => ("Không có nhiệm vụ nào khớp bộ lọc.", "No task matches the filters."),
        CompletionByUnit => ("Tỷ lệ hoàn thành theo đơn vị", "Completion by unit"),
        StatesByWeek => ("Tình trạng nhiệm vụ theo tuần", "Tasks by state, week by week"),
        Attention => ("Việc cần đôn đốc", "Work to chase"),
        ByDirective => ("Theo văn bản chỉ đạo", "By directive"),
        ByUnit => ("Theo đơn vị", "By unit"),
        ByTask => ("Theo nhiệm vụ", "By task"),
        LastDay => ("Hạn cuối", "Last day"),
        DaysLate => ("Số ngày quá hạn", "Days overdue"),
        ProgressTitle => ("Tiến độ thực hiện", "Progress"),
        Unit => ("Đơn vị", "Unit"),
        Items => ("Mục", "Items"),
        Percent => ("Tỷ lệ", "Percent"),
        ProgressFailed => ("Không tải được tiến độ.", "Could not load progress."),
        Refresh => ("Tải lại", "Refresh"),
        ChangedBy => ("Cập nhật bởi", "Changed by"),
        NoChecklist => (
            "Chưa giao danh sách kiểm tra cho đơn vị nào.",
            "No unit has a checklist for this task yet.",
        ),
        Conflict => (
            "Hai người sửa cùng lúc — cần xem lại",
            "Changed by two people at once — needs review",
        ),
        ParallelUpdate => ("Được cập nhật song song", "Updated in parallel"),
        ReviewTitle => ("Xung đột cần xem xét", "Conflicts to review"),
        ReviewHint => (
            "Hai người đã sửa cùng một mục mà không thấy thay đổi của nhau. Chọn giá trị được giữ; các máy tính bảng sẽ nhận giá trị này khi đồng bộ.",
            "Two people changed the same item without seeing each other's edit. Choose the value to keep; the tablets receive it when they sync.",
        ),
        KeepChosen => ("Giữ giá trị đã chọn", "Keep the chosen values"),
        Standing => ("đang áp dụng", "standing"),
        ReviewedBefore => ("đã xem xét", "reviewed"),
        NotDone => ("Chưa hoàn thành", "Not done"),
        EmptyNote => ("(ghi chú trống)", "(empty note)"),
        ReviewFailed => ("Không lưu được quyết định:", "The decision was not saved:"),
        SignOffReport => ("Xác nhận đã báo cáo", "Sign off the report"),
        TakeBackReport => ("Huỷ xác nhận", "Take back"),
        SignOffFailed => (
            "Không ghi được xác nhận báo cáo (cần kết nối mạng):",
            "The sign-off could not be saved (a network is needed):",
        ),
        SignOffOpenItems => (
            "Danh mục này còn mục chưa xong. Vẫn xác nhận đã báo cáo? Các mục còn mở:",
            "This checklist still has items not done. Sign off the report all the same? Still open:",
        ),
        SignOffAnyway => ("Vẫn xác nhận", "Sign off anyway"),
        ProblemNoLeadUnit => (
            "chưa có đơn vị chủ trì: hãy chọn đơn vị chủ trì hoặc các đơn vị thực hiện",
            "no lead unit: choose the lead unit or the units that carry the task out",
        ),
        ProblemUnknownUnit => (
            "đơn vị không có trong danh sách đơn vị",
            "this unit is not in the unit tree",
        ),
        ProblemNoChecklistItem => (
            "danh sách kiểm cần ít nhất một mục",
            "the checklist needs at least one item",
        ),
        ProblemDeadlineBeforeIssue => (
            "thời hạn trước ngày ban hành",
            "the deadline is before the issue date",
        ),
        ProblemBadRecurrence => (
            "định kỳ phải có dạng monthly:25, quarterly, weekly hoặc yearly",
            "a recurrence is written monthly:25, quarterly, weekly or yearly",
        ),
        ProblemBadDocumentNumber => (
            "số văn bản phải có dạng 21/KH-UBND",
            "a document number is written like 21/KH-UBND",
        ),
        SectionWord => ("Mục", "Section"),
        TaskWord => ("nhiệm vụ", "task"),
        BlankDirective => ("Soạn mới", "New, blank"),
        SectionHeading => ("Tên mục", "Section heading"),
        AddTask => ("Thêm nhiệm vụ", "Add a task"),
        RemoveTask => ("Bỏ nhiệm vụ này", "Remove this task"),
        AddSection => ("Thêm mục", "Add a section"),
        AsWritten => ("Theo văn bản", "As written"),
        Revised => ("Đã lưu thay đổi:", "Saved:"),
        EditPublished => ("Sửa chỉ đạo đã ban hành", "Edit a published directive"),
        SaveChanges => ("Lưu thay đổi", "Save changes"),
        ComposeTitle => ("Soạn chỉ đạo", "Write a directive"),
        Published => ("Đã ban hành:", "Published:"),
        TasksWord => ("nhiệm vụ", "tasks"),
        ItemsWord => ("mục kiểm tra", "checklist items"),
        DirectiveProblems => (
            "Chỉ đạo còn lỗi, chưa ban hành:",
            "The directive has problems; nothing was published:",
        ),
        SourceText => ("Văn bản gốc", "Source text"),
        SourceFile => ("Mở tệp văn bản (.txt)", "Open a text file (.txt)"),
        TaskText => ("Nội dung nhiệm vụ", "What the task asks"),
        ReadDirective => ("Đọc văn bản", "Read the text"),
        PublishDirective => ("Ban hành", "Publish"),
        DirectiveTitle => ("Tiêu đề", "Title"),
        Issuer => ("Cơ quan ban hành", "Issued by"),
        IssuedOn => ("Ngày ban hành", "Issued on"),
        Documents => ("Văn bản liên quan", "Referenced documents"),
        NotAUnit => (
            "Chưa khớp với đơn vị nào, hãy chọn đơn vị chủ trì hoặc đơn vị thực hiện:",
            "Not matched to a unit; choose the lead or the units that carry it out:",
        ),
        DeadlineLabel => ("Thời hạn", "Deadline"),
        RecurrenceLabel => ("Định kỳ", "Recurs"),
        AssignedUnits => (
            "Đơn vị thực hiện (mỗi đơn vị một danh sách kiểm)",
            "Units that carry it out (each gets a checklist)",
        ),
        ChecklistLines => ("Danh sách kiểm, mỗi dòng một mục", "Checklist, one item per line"),
        UnitsTitle => ("Đơn vị", "Units"),
        AccountsTitle => ("Tài khoản", "Accounts"),
        ImportUnitsTitle => ("Nhập danh sách đơn vị từ tệp CSV", "Import units from a CSV file"),
        ImportUnitsHint => (
            "Dòng đầu: code,name,kind,parent_code. Cột kind ghi tỉnh, sở, huyện hoặc xã. Tệp có lỗi thì không nhập dòng nào.",
            "First line: code,name,kind,parent_code. kind is province, department, district or commune (tỉnh, sở, huyện, xã in Vietnamese). A file with errors imports nothing.",
        ),
        ImportUnits => ("Nhập", "Import"),
        UnitsFile => ("Mở tệp CSV", "Open a CSV file"),
        UnitsText => ("Nội dung CSV", "The CSV text"),
        UnitsWritten => ("đơn vị đã được thêm hoặc cập nhật.", "units added or changed."),
        RowErrors => (
            "Tệp có lỗi, chưa nhập dòng nào:",
            "The file has errors; nothing was imported:",
        ),
        Line => ("Dòng", "Line"),
        Code => ("Mã", "Code"),
        Name => ("Tên", "Name"),
        Kind => ("Loại", "Kind"),
        Parent => ("Trực thuộc", "Parent"),
        SaveUnit => ("Lưu đơn vị", "Save unit"),
        Edit => ("Sửa", "Edit"),
        NewAccount => ("Tạo tài khoản", "New account"),
        EditAccount => ("Sửa tài khoản", "Edit account"),
        DisplayName => ("Họ tên", "Display name"),
        RolesLabel => ("Vai trò", "Roles"),
        UnitLabel => ("Đơn vị", "Unit"),
        LastSignIn => ("Đăng nhập gần nhất", "Last sign-in"),
        NeverSignedIn => ("Chưa đăng nhập", "Never"),
        Active => ("Đang hoạt động", "Active"),
        DisabledState => ("Đã khoá", "Disabled"),
        Disable => ("Khoá", "Disable"),
        Enable => ("Mở khoá", "Enable"),
        ResetPassword => ("Đặt lại mật khẩu", "Reset password"),
        TemporaryPassword => (
            "Mật khẩu tạm thời (chỉ hiện một lần; người dùng phải đổi khi đăng nhập):",
            "Temporary password (shown once; the user must change it at sign-in):",
        ),
        Save => ("Lưu", "Save"),
        Cancel => ("Huỷ", "Cancel"),
        ShowAllRows => ("Xem tất cả", "Show all"),
        NotRecurring => ("Không định kỳ", "Not recurring"),
        DueDayInPeriod => ("Hạn trong mỗi kỳ: trước ngày", "Due in each period before day"),
        DueWeekdayInPeriod => (
            "Hạn trong mỗi tuần: thứ (1 là thứ Hai)",
            "Due in each week on weekday (1 is Monday)",
        ),
        DeadlineYearInferred => (
            "Văn bản không ghi năm của hạn này; năm được suy ra từ ngày văn bản, hãy kiểm tra lại.",
            "The text gives no year for this deadline; the year was inferred from the text's date, please check it.",
        ),
        DeadlineOccasion => (
            "Văn bản ghi hạn theo dịp, chưa có ngày cụ thể:",
            "The text names the deadline by an occasion, with no date yet:",
        ),
        IssueDateMissing => (
            "Văn bản không ghi ngày ban hành: hãy chọn ngày trước khi ban hành.",
            "The text gives no issue date: choose one before publishing.",
        ),
        SourceAsRead => (
            "Văn bản đã đọc — mỗi nhiệm vụ được tô ở câu gốc của nó",
            "The text as read — each task is marked at its source clause",
        ),
        EditSourceText => ("Sửa văn bản gốc", "Edit the source text"),
        SeeSourceClause => ("Xem câu gốc", "Show source clause"),
        FindUnit => ("Tìm đơn vị (tên hoặc viết tắt)", "Find a unit (name or abbreviation)"),
        PrintedRowsCut => (
            "Bản in này chỉ có những dòng đầu của danh sách; để in đủ, dùng nút «In báo cáo». Tổng số dòng:",
            "This printout holds only the first rows of the list; to print every row, use the «Print» button. Rows in all:",
        ),
    }
}

words! {
    impl Role {
        Official => ("Cán bộ", "Official"),
        Head => ("Lãnh đạo đơn vị", "Unit head"),
        Supervisor => ("Theo dõi, chỉ đạo", "Supervisor"),
        Admin => ("Quản trị", "Admin"),
    }
}

words! {
    impl UnitKind {
        Province => ("Tỉnh", "Province"),
        Department => ("Sở, ban, ngành", "Department"),
        District => ("Huyện, thị xã, thành phố", "District"),
        Commune => ("Xã, phường, thị trấn", "Commune"),
    }
}

// The deadline kinds as a directive words them.
words! {
    impl crate::domain::Cycle {
        Weekly => ("Hằng tuần", "Weekly"),
        Monthly => ("Hằng tháng", "Monthly"),
        Quarterly => ("Hằng quý", "Quarterly"),
        Yearly => ("Hằng năm", "Yearly"),
    }
}

words! {
    impl DeadlineKind {
        Before => ("Trước ngày", "Before"),
        NoLaterThan => ("Chậm nhất ngày", "No later than"),
        ByEndOfYear => ("Đến cuối năm", "By the end of the year"),
        From => ("Từ ngày", "From"),
    }
}

// The fields of the directive form, as a problem's place names them.
words! {
    impl InputField {
        Title => ("Tiêu đề", "Title"),
        Issuer => ("Cơ quan ban hành", "Issuer"),
        Documents => ("Văn bản", "Document"),
        Heading => ("Tên mục", "Section heading"),
        Id => ("Mã nhiệm vụ", "Task id"),
        Text => ("Nội dung", "Text"),
        Lead => ("Đơn vị chủ trì", "Lead unit"),
        Coordinating => ("Đơn vị phối hợp", "Coordinating unit"),
        Assigned => ("Đơn vị thực hiện", "Assigned unit"),
        Checklist => ("Danh sách kiểm tra", "Checklist"),
        Deadline => ("Thời hạn", "Deadline"),
        Recurrence => ("Định kỳ", "Recurrence"),
        Target => ("Chỉ tiêu", "Target"),
    }
}

// The four states as official task reports word them.
words! {
    impl TaskState {
        DoneOnTime => ("Hoàn thành đúng hạn", "Done on time"),
        DoneLate => ("Hoàn thành quá hạn", "Done late"),
        InProgress => ("Đang thực hiện trong hạn", "In progress, on time"),
        Overdue => ("Quá hạn", "Overdue"),
    }
}

words! {
    impl UnitRole {
        Lead => ("Chủ trì", "Lead"),
        Coordinating => ("Phối hợp", "Coordinating"),
        Assigned => ("Được giao thực hiện", "Assigned"),
    }
}

// What is wrong with a row of a unit file or form.
words! {
    impl RowProblem {
        Header => (
            "Dòng đầu của tệp phải là: code,name,kind,parent_code",
            "The file's first line must be: code,name,kind,parent_code",
        ),
        TooManyRows => (
            "Tệp có quá nhiều dòng (nhiều hơn số đơn vị của một tỉnh).",
            "The file has too many lines (more units than a province has).",
        ),
        Unreadable => (
            "Không đọc được dòng này (kiểm tra dấu ngoặc kép và mã UTF-8).",
            "This line cannot be read (check quotes and UTF-8).",
        ),
        ColumnCount => (
            "Dòng phải có đúng 4 cột: mã, tên, loại, mã đơn vị cấp trên.",
            "A line must have exactly 4 columns: code, name, kind, parent code.",
        ),
        Code => (
            "Mã đơn vị có từ 1 đến 40 ký tự: chữ in hoa không dấu, chữ số và dấu gạch ngang ở giữa.",
            "A unit code is 1 to 40 characters: capital letters without accents, digits and inner hyphens.",
        ),
        DuplicateCode => (
            "Mã đơn vị này đã có ở một dòng khác của tệp.",
            "This unit code is on another line of the file too.",
        ),
        Kind => (
            "Loại đơn vị phải là tỉnh, sở, huyện hoặc xã.",
            "The kind must be province, department, district or commune.",
        ),
        ParentCode => ("Mã đơn vị cấp trên không hợp lệ.", "The parent code is not valid."),
        UnknownParent => (
            "Đơn vị cấp trên không có trong tệp cũng như trong danh sách đơn vị.",
            "The parent is neither in the file nor among the units.",
        ),
        Unit => (
            "Tên trống hoặc quá dài, hoặc đơn vị loại này không thể trực thuộc đơn vị cấp trên đã ghi.",
            "The name is empty or too long, or a unit of this kind cannot sit under the parent given.",
        ),
        Children => (
            "Một đơn vị đang trực thuộc đơn vị này sẽ không còn hợp lệ nếu đổi loại.",
            "A unit beneath this one would no longer fit under it with the new kind.",
        ),
    }
}
