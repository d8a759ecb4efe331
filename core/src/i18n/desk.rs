//! The words of the supervisors' and admins' pages (progress, directive writing, units and
//! accounts, conflict review). A commune tablet never shows them; kept apart from
//! [`super::Key`], they load with those pages' wasm chunks.

use super::Words;
use crate::domain::authoring::InputField;
use crate::domain::unit_import::RowProblem;
use crate::domain::{DeadlineKind, Role, TaskState, UnitKind, UnitRole};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskKey {
    AssignmentTitle,
    Close,
    History,
    MadeAt,
    SyncedAt,
    DownloadExcel,
    DownloadCsv,
    Print,
    LiveConnecting,
    LiveOpen,
    LiveLost,
    DashboardTitle,
    AsOf,
    DueSoon,
    FilterDirective,
    AllDirectives,
    FilterUnit,
    AllUnits,
    FilterState,
    AllStates,
    FilterRole,
    AllRoles,
    DueFrom,
    DueTo,
    NoWork,
    CompletionByUnit,
    StatesByWeek,
    Attention,
    ByDirective,
    ByUnit,
    ByTask,
    LastDay,
    DaysLate,
    ProgressTitle,
    Unit,
    Items,
    Percent,
    ProgressFailed,
    Refresh,
    ChangedBy,
    NoChecklist,
    Conflict,
    ParallelUpdate,
    ReviewTitle,
    ReviewHint,
    KeepChosen,
    Standing,
    ReviewedBefore,
    NotDone,
    EmptyNote,
    ReviewFailed,
    SignOffReport,
    TakeBackReport,
    SignOffFailed,
    SignOffOpenItems,
    SignOffAnyway,
    ProblemNoLeadUnit,
    ProblemUnknownUnit,
    ProblemNoChecklistItem,
    ProblemDeadlineBeforeIssue,
    ProblemBadRecurrence,
    ProblemBadDocumentNumber,
    SectionWord,
    TaskWord,
    BlankDirective,
    SectionHeading,
    AddTask,
    RemoveTask,
    AddSection,
    AsWritten,
    Revised,
    EditPublished,
    SaveChanges,
    ComposeTitle,
    Published,
    TasksWord,
    ItemsWord,
    DirectiveProblems,
    SourceText,
    ReadDirective,
    PublishDirective,
    DirectiveTitle,
    Issuer,
    IssuedOn,
    Documents,
    NotAUnit,
    DeadlineLabel,
    RecurrenceLabel,
    AssignedUnits,
    ChecklistLines,
    UnitsTitle,
    AccountsTitle,
    ImportUnitsTitle,
    ImportUnitsHint,
    ImportUnits,
    UnitsWritten,
    RowErrors,
    Line,
    Code,
    Name,
    Kind,
    Parent,
    SaveUnit,
    Edit,
    NewAccount,
    EditAccount,
    DisplayName,
    RolesLabel,
    UnitLabel,
    LastSignIn,
    NeverSignedIn,
    Active,
    DisabledState,
    Disable,
    Enable,
    ResetPassword,
    TemporaryPassword,
    Save,
    Cancel,
    ShowAllRows,
    NotRecurring,
    /// The day of each period by which the work is due (a weekday for a weekly one).
    DueDayInPeriod,
    DueWeekdayInPeriod,
    DeadlineYearInferred,
    DeadlineOccasion,
    IssueDateMissing,
    /// Shows the source text as read, each task's clauses marked.
    SourceAsRead,
    EditSourceText,
    SeeSourceClause,
    FindUnit,
    /// Printed in place of the show-all button when the browser's own print menu
    /// prints a cut list.
    PrintedRowsCut,
}

impl Words for DeskKey {
    fn vietnamese(self) -> &'static str {
        use DeskKey::*;
        match self {
            AssignmentTitle => "Chi tiết thực hiện",
            Close => "Đóng",
            History => "Lịch sử cập nhật",
            MadeAt => "làm lúc",
            SyncedAt => "đồng bộ lúc",
            DownloadExcel => "Tải Excel",
            DownloadCsv => "Tải CSV",
            Print => "In báo cáo",
            LiveConnecting => "Đang kết nối trực tiếp…",
            LiveOpen => "Cập nhật trực tiếp",
            LiveLost => "Mất kết nối trực tiếp — đang tự cập nhật định kỳ",
            DashboardTitle => "Bảng theo dõi thực hiện nhiệm vụ",
            AsOf => "Số liệu lúc",
            DueSoon => "Sắp đến hạn",
            FilterDirective => "Văn bản chỉ đạo",
            AllDirectives => "Tất cả văn bản",
            FilterUnit => "Đơn vị (gồm cấp dưới)",
            AllUnits => "Tất cả đơn vị",
            FilterState => "Tình trạng",
            AllStates => "Mọi tình trạng",
            FilterRole => "Vai trò",
            AllRoles => "Mọi vai trò",
            DueFrom => "Hạn từ ngày",
            DueTo => "Hạn đến ngày",
            NoWork => "Không có nhiệm vụ nào khớp bộ lọc.",
            CompletionByUnit => "Tỷ lệ hoàn thành theo đơn vị",
            StatesByWeek => "Tình trạng nhiệm vụ theo tuần",
            Attention => "Việc cần đôn đốc",
            ByDirective => "Theo văn bản chỉ đạo",
            ByUnit => "Theo đơn vị",
            ByTask => "Theo nhiệm vụ",
            LastDay => "Hạn cuối",
            DaysLate => "Số ngày quá hạn",
            ProgressTitle => "Tiến độ thực hiện",
            Unit => "Đơn vị",
            Items => "Mục",
            Percent => "Tỷ lệ",
            ProgressFailed => "Không tải được tiến độ.",
            Refresh => "Tải lại",
            ChangedBy => "Cập nhật bởi",
            NoChecklist => "Chưa giao danh sách kiểm tra cho đơn vị nào.",
            Conflict => "Hai người sửa cùng lúc — cần xem lại",
            ParallelUpdate => "Được cập nhật song song",
            ReviewTitle => "Xung đột cần xem xét",
            ReviewHint => "Hai người đã sửa cùng một mục mà không thấy thay đổi của nhau. Chọn giá trị được giữ; các máy tính bảng sẽ nhận giá trị này khi đồng bộ.",
            KeepChosen => "Giữ giá trị đã chọn",
            Standing => "đang áp dụng",
            ReviewedBefore => "đã xem xét",
            NotDone => "Chưa hoàn thành",
            EmptyNote => "(ghi chú trống)",
            ReviewFailed => "Không lưu được quyết định:",
            SignOffReport => "Xác nhận đã báo cáo",
            TakeBackReport => "Huỷ xác nhận",
            SignOffFailed => "Không ghi được xác nhận báo cáo (cần kết nối mạng):",
            SignOffOpenItems => "Danh mục này còn mục chưa xong. Vẫn xác nhận đã báo cáo? Các mục còn mở:",
            SignOffAnyway => "Vẫn xác nhận",
            ProblemNoLeadUnit => "chưa có đơn vị chủ trì: hãy chọn đơn vị chủ trì hoặc các đơn vị thực hiện",
            ProblemUnknownUnit => "đơn vị không có trong danh sách đơn vị",
            ProblemNoChecklistItem => "danh sách kiểm cần ít nhất một mục",
            ProblemDeadlineBeforeIssue => "thời hạn trước ngày ban hành",
            ProblemBadRecurrence => "định kỳ phải có dạng monthly:25, quarterly, weekly hoặc yearly",
            ProblemBadDocumentNumber => "số văn bản phải có dạng 21/KH-UBND",
            SectionWord => "Mục",
            TaskWord => "nhiệm vụ",
            BlankDirective => "Soạn mới",
            SectionHeading => "Tên mục",
            AddTask => "Thêm nhiệm vụ",
            RemoveTask => "Bỏ nhiệm vụ này",
            AddSection => "Thêm mục",
            AsWritten => "Theo văn bản",
            Revised => "Đã lưu thay đổi:",
            EditPublished => "Sửa chỉ đạo đã ban hành",
            SaveChanges => "Lưu thay đổi",
            ComposeTitle => "Soạn chỉ đạo",
            Published => "Đã ban hành:",
            TasksWord => "nhiệm vụ",
            ItemsWord => "mục kiểm tra",
            DirectiveProblems => "Chỉ đạo còn lỗi, chưa ban hành:",
            SourceText => "Văn bản gốc",
            ReadDirective => "Đọc văn bản",
            PublishDirective => "Ban hành",
            DirectiveTitle => "Tiêu đề",
            Issuer => "Cơ quan ban hành",
            IssuedOn => "Ngày ban hành",
            Documents => "Văn bản liên quan",
            NotAUnit => "Chưa khớp với đơn vị nào, hãy chọn đơn vị chủ trì hoặc đơn vị thực hiện:",
            DeadlineLabel => "Thời hạn",
            RecurrenceLabel => "Định kỳ",
            AssignedUnits => "Đơn vị thực hiện (mỗi đơn vị một danh sách kiểm)",
            ChecklistLines => "Danh sách kiểm, mỗi dòng một mục",
            UnitsTitle => "Đơn vị",
            AccountsTitle => "Tài khoản",
            ImportUnitsTitle => "Nhập danh sách đơn vị từ tệp CSV",
            ImportUnitsHint => "Dòng đầu: code,name,kind,parent_code. Cột kind ghi tỉnh, sở, huyện hoặc xã. Tệp có lỗi thì không nhập dòng nào.",
            ImportUnits => "Nhập",
            UnitsWritten => "đơn vị đã được thêm hoặc cập nhật.",
            RowErrors => "Tệp có lỗi, chưa nhập dòng nào:",
            Line => "Dòng",
            Code => "Mã",
            Name => "Tên",
            Kind => "Loại",
            Parent => "Trực thuộc",
            SaveUnit => "Lưu đơn vị",
            Edit => "Sửa",
            NewAccount => "Tạo tài khoản",
            EditAccount => "Sửa tài khoản",
            DisplayName => "Họ tên",
            RolesLabel => "Vai trò",
            UnitLabel => "Đơn vị",
            LastSignIn => "Đăng nhập gần nhất",
            NeverSignedIn => "Chưa đăng nhập",
            Active => "Đang hoạt động",
            DisabledState => "Đã khoá",
            Disable => "Khoá",
            Enable => "Mở khoá",
            ResetPassword => "Đặt lại mật khẩu",
            TemporaryPassword => "Mật khẩu tạm thời (chỉ hiện một lần; người dùng phải đổi khi đăng nhập):",
            Save => "Lưu",
            Cancel => "Huỷ",
            ShowAllRows => "Xem tất cả",
            NotRecurring => "Không định kỳ",
            DueDayInPeriod => "Hạn trong mỗi kỳ: trước ngày",
            DueWeekdayInPeriod => "Hạn trong mỗi tuần: thứ (1 là thứ Hai)",
            DeadlineYearInferred => "Văn bản không ghi năm của hạn này; năm được suy ra từ ngày văn bản, hãy kiểm tra lại.",
            DeadlineOccasion => "Văn bản ghi hạn theo dịp, chưa có ngày cụ thể:",
            IssueDateMissing => "Văn bản không ghi ngày ban hành: hãy chọn ngày trước khi ban hành.",
            SourceAsRead => "Văn bản đã đọc — mỗi nhiệm vụ được tô ở câu gốc của nó",
            EditSourceText => "Sửa văn bản gốc",
            SeeSourceClause => "Xem câu gốc",
            FindUnit => "Tìm đơn vị (tên hoặc viết tắt)",
            PrintedRowsCut => "Bản in này chỉ có những dòng đầu của danh sách; để in đủ, dùng nút «In báo cáo». Tổng số dòng:",
        }
    }

    fn english(self) -> &'static str {
        use DeskKey::*;
        match self {
            AssignmentTitle => "Work in detail",
            Close => "Close",
            History => "History",
            MadeAt => "done at",
            SyncedAt => "synced at",
            DownloadExcel => "Download Excel",
            DownloadCsv => "Download CSV",
            Print => "Print",
            LiveConnecting => "Connecting live…",
            LiveOpen => "Live",
            LiveLost => "Live updates lost — refreshing now and then",
            DashboardTitle => "Task follow-up dashboard",
            AsOf => "Figures as of",
            DueSoon => "Due soon",
            FilterDirective => "Directive",
            AllDirectives => "All directives",
            FilterUnit => "Unit (and below)",
            AllUnits => "All units",
            FilterState => "State",
            AllStates => "Any state",
            FilterRole => "Role",
            AllRoles => "Any role",
            DueFrom => "Due from",
            DueTo => "Due until",
            NoWork => "No task matches the filters.",
            CompletionByUnit => "Completion by unit",
            StatesByWeek => "Tasks by state, week by week",
            Attention => "Work to chase",
            ByDirective => "By directive",
            ByUnit => "By unit",
            ByTask => "By task",
            LastDay => "Last day",
            DaysLate => "Days overdue",
            ProgressTitle => "Progress",
            Unit => "Unit",
            Items => "Items",
            Percent => "Percent",
            ProgressFailed => "Could not load progress.",
            Refresh => "Refresh",
            ChangedBy => "Changed by",
            NoChecklist => "No unit has a checklist for this task yet.",
            Conflict => "Changed by two people at once — needs review",
            ParallelUpdate => "Updated in parallel",
            ReviewTitle => "Conflicts to review",
            ReviewHint => "Two people changed the same item without seeing each other's edit. Choose the value to keep; the tablets receive it when they sync.",
            KeepChosen => "Keep the chosen values",
            Standing => "standing",
            ReviewedBefore => "reviewed",
            NotDone => "Not done",
            EmptyNote => "(empty note)",
            ReviewFailed => "The decision was not saved:",
            SignOffReport => "Sign off the report",
            TakeBackReport => "Take back",
            SignOffFailed => "The sign-off could not be saved (a network is needed):",
            SignOffOpenItems => "This checklist still has items not done. Sign off the report all the same? Still open:",
            SignOffAnyway => "Sign off anyway",
            ProblemNoLeadUnit => "no lead unit: choose the lead unit or the units that carry the task out",
            ProblemUnknownUnit => "this unit is not in the unit tree",
            ProblemNoChecklistItem => "the checklist needs at least one item",
            ProblemDeadlineBeforeIssue => "the deadline is before the issue date",
            ProblemBadRecurrence => "a recurrence is written monthly:25, quarterly, weekly or yearly",
            ProblemBadDocumentNumber => "a document number is written like 21/KH-UBND",
            SectionWord => "Section",
            TaskWord => "task",
            BlankDirective => "New, blank",
            SectionHeading => "Section heading",
            AddTask => "Add a task",
            RemoveTask => "Remove this task",
            AddSection => "Add a section",
            AsWritten => "As written",
            Revised => "Saved:",
            EditPublished => "Edit a published directive",
            SaveChanges => "Save changes",
            ComposeTitle => "Write a directive",
            Published => "Published:",
            TasksWord => "tasks",
            ItemsWord => "checklist items",
            DirectiveProblems => "The directive has problems; nothing was published:",
            SourceText => "Source text",
            ReadDirective => "Read the text",
            PublishDirective => "Publish",
            DirectiveTitle => "Title",
            Issuer => "Issued by",
            IssuedOn => "Issued on",
            Documents => "Referenced documents",
            NotAUnit => "Not matched to a unit; choose the lead or the units that carry it out:",
            DeadlineLabel => "Deadline",
            RecurrenceLabel => "Recurs",
            AssignedUnits => "Units that carry it out (each gets a checklist)",
            ChecklistLines => "Checklist, one item per line",
            UnitsTitle => "Units",
            AccountsTitle => "Accounts",
            ImportUnitsTitle => "Import units from a CSV file",
            ImportUnitsHint => "First line: code,name,kind,parent_code. kind is province, department, district or commune (tỉnh, sở, huyện, xã in Vietnamese). A file with errors imports nothing.",
            ImportUnits => "Import",
            UnitsWritten => "units added or changed.",
            RowErrors => "The file has errors; nothing was imported:",
            Line => "Line",
            Code => "Code",
            Name => "Name",
            Kind => "Kind",
            Parent => "Parent",
            SaveUnit => "Save unit",
            Edit => "Edit",
            NewAccount => "New account",
            EditAccount => "Edit account",
            DisplayName => "Display name",
            RolesLabel => "Roles",
            UnitLabel => "Unit",
            LastSignIn => "Last sign-in",
            NeverSignedIn => "Never",
            Active => "Active",
            DisabledState => "Disabled",
            Disable => "Disable",
            Enable => "Enable",
            ResetPassword => "Reset password",
            TemporaryPassword => "Temporary password (shown once; the user must change it at sign-in):",
            Save => "Save",
            Cancel => "Cancel",
            ShowAllRows => "Show all",
            NotRecurring => "Not recurring",
            DueDayInPeriod => "Due in each period before day",
            DueWeekdayInPeriod => "Due in each week on weekday (1 is Monday)",
            DeadlineYearInferred => "The text gives no year for this deadline; the year was inferred from the text's date, please check it.",
            DeadlineOccasion => "The text names the deadline by an occasion, with no date yet:",
            IssueDateMissing => "The text gives no issue date: choose one before publishing.",
            SourceAsRead => "The text as read — each task is marked at its source clause",
            EditSourceText => "Edit the source text",
            SeeSourceClause => "Show source clause",
            FindUnit => "Find a unit (name or abbreviation)",
            PrintedRowsCut => "This printout holds only the first rows of the list; to print every row, use the «Print» button. Rows in all:",
        }
    }
}

impl Words for Role {
    fn vietnamese(self) -> &'static str {
        match self {
            Role::Official => "Cán bộ",
            Role::Head => "Lãnh đạo đơn vị",
            Role::Supervisor => "Theo dõi, chỉ đạo",
            Role::Admin => "Quản trị",
        }
    }

    fn english(self) -> &'static str {
        match self {
            Role::Official => "Official",
            Role::Head => "Unit head",
            Role::Supervisor => "Supervisor",
            Role::Admin => "Admin",
        }
    }
}

impl Words for UnitKind {
    fn vietnamese(self) -> &'static str {
        match self {
            UnitKind::Province => "Tỉnh",
            UnitKind::Department => "Sở, ban, ngành",
            UnitKind::District => "Huyện, thị xã, thành phố",
            UnitKind::Commune => "Xã, phường, thị trấn",
        }
    }

    fn english(self) -> &'static str {
        match self {
            UnitKind::Province => "Province",
            UnitKind::Department => "Department",
            UnitKind::District => "District",
            UnitKind::Commune => "Commune",
        }
    }
}

/// The deadline kinds as a directive words them.
impl Words for crate::domain::Cycle {
    fn vietnamese(self) -> &'static str {
        use crate::domain::Cycle::*;
        match self {
            Weekly => "Hằng tuần",
            Monthly => "Hằng tháng",
            Quarterly => "Hằng quý",
            Yearly => "Hằng năm",
        }
    }

    fn english(self) -> &'static str {
        use crate::domain::Cycle::*;
        match self {
            Weekly => "Weekly",
            Monthly => "Monthly",
            Quarterly => "Quarterly",
            Yearly => "Yearly",
        }
    }
}

impl Words for DeadlineKind {
    fn vietnamese(self) -> &'static str {
        match self {
            DeadlineKind::Before => "Trước ngày",
            DeadlineKind::NoLaterThan => "Chậm nhất ngày",
            DeadlineKind::ByEndOfYear => "Đến cuối năm",
            DeadlineKind::From => "Từ ngày",
        }
    }

    fn english(self) -> &'static str {
        match self {
            DeadlineKind::Before => "Before",
            DeadlineKind::NoLaterThan => "No later than",
            DeadlineKind::ByEndOfYear => "By the end of the year",
            DeadlineKind::From => "From",
        }
    }
}

/// The fields of the directive form, as a problem's place names them.
impl Words for InputField {
    fn vietnamese(self) -> &'static str {
        match self {
            InputField::Title => "Tiêu đề",
            InputField::Issuer => "Cơ quan ban hành",
            InputField::Documents => "Văn bản",
            InputField::Heading => "Tên mục",
            InputField::Id => "Mã nhiệm vụ",
            InputField::Text => "Nội dung",
            InputField::Lead => "Đơn vị chủ trì",
            InputField::Coordinating => "Đơn vị phối hợp",
            InputField::Assigned => "Đơn vị thực hiện",
            InputField::Checklist => "Danh sách kiểm tra",
            InputField::Deadline => "Thời hạn",
            InputField::Recurrence => "Định kỳ",
            InputField::Target => "Chỉ tiêu",
        }
    }

    fn english(self) -> &'static str {
        match self {
            InputField::Title => "Title",
            InputField::Issuer => "Issuer",
            InputField::Documents => "Document",
            InputField::Heading => "Section heading",
            InputField::Id => "Task id",
            InputField::Text => "Text",
            InputField::Lead => "Lead unit",
            InputField::Coordinating => "Coordinating unit",
            InputField::Assigned => "Assigned unit",
            InputField::Checklist => "Checklist",
            InputField::Deadline => "Deadline",
            InputField::Recurrence => "Recurrence",
            InputField::Target => "Target",
        }
    }
}

/// The four states as official task reports word them.
impl Words for TaskState {
    fn vietnamese(self) -> &'static str {
        match self {
            TaskState::DoneOnTime => "Hoàn thành đúng hạn",
            TaskState::DoneLate => "Hoàn thành quá hạn",
            TaskState::InProgress => "Đang thực hiện trong hạn",
            TaskState::Overdue => "Quá hạn",
        }
    }

    fn english(self) -> &'static str {
        match self {
            TaskState::DoneOnTime => "Done on time",
            TaskState::DoneLate => "Done late",
            TaskState::InProgress => "In progress, on time",
            TaskState::Overdue => "Overdue",
        }
    }
}

impl Words for UnitRole {
    fn vietnamese(self) -> &'static str {
        match self {
            UnitRole::Lead => "Chủ trì",
            UnitRole::Coordinating => "Phối hợp",
            UnitRole::Assigned => "Được giao thực hiện",
        }
    }

    fn english(self) -> &'static str {
        match self {
            UnitRole::Lead => "Lead",
            UnitRole::Coordinating => "Coordinating",
            UnitRole::Assigned => "Assigned",
        }
    }
}

/// What is wrong with a row of a unit file or form.
impl Words for RowProblem {
    fn vietnamese(self) -> &'static str {
        match self {
            RowProblem::Header => "Dòng đầu của tệp phải là: code,name,kind,parent_code",
            RowProblem::TooManyRows => "Tệp có quá nhiều dòng (nhiều hơn số đơn vị của một tỉnh).",
            RowProblem::Unreadable => "Không đọc được dòng này (kiểm tra dấu ngoặc kép và mã UTF-8).",
            RowProblem::ColumnCount => "Dòng phải có đúng 4 cột: mã, tên, loại, mã đơn vị cấp trên.",
            RowProblem::Code => "Mã đơn vị có từ 1 đến 40 ký tự: chữ in hoa không dấu, chữ số và dấu gạch ngang ở giữa.",
            RowProblem::DuplicateCode => "Mã đơn vị này đã có ở một dòng khác của tệp.",
            RowProblem::Kind => "Loại đơn vị phải là tỉnh, sở, huyện hoặc xã.",
            RowProblem::ParentCode => "Mã đơn vị cấp trên không hợp lệ.",
            RowProblem::UnknownParent => "Đơn vị cấp trên không có trong tệp cũng như trong danh sách đơn vị.",
            RowProblem::Unit => "Tên trống hoặc quá dài, hoặc đơn vị loại này không thể trực thuộc đơn vị cấp trên đã ghi.",
            RowProblem::Children => "Một đơn vị đang trực thuộc đơn vị này sẽ không còn hợp lệ nếu đổi loại.",
        }
    }

    fn english(self) -> &'static str {
        match self {
            RowProblem::Header => "The file's first line must be: code,name,kind,parent_code",
            RowProblem::TooManyRows => "The file has too many lines (more units than a province has).",
            RowProblem::Unreadable => "This line cannot be read (check quotes and UTF-8).",
            RowProblem::ColumnCount => "A line must have exactly 4 columns: code, name, kind, parent code.",
            RowProblem::Code => "A unit code is 1 to 40 characters: capital letters without accents, digits and inner hyphens.",
            RowProblem::DuplicateCode => "This unit code is on another line of the file too.",
            RowProblem::Kind => "The kind must be province, department, district or commune.",
            RowProblem::ParentCode => "The parent code is not valid.",
            RowProblem::UnknownParent => "The parent is neither in the file nor among the units.",
            RowProblem::Unit => "The name is empty or too long, or a unit of this kind cannot sit under the parent given.",
            RowProblem::Children => "A unit beneath this one would no longer fit under it with the new kind.",
        }
    }
}
