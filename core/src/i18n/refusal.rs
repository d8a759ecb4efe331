//! What a refusal from the server means, said to the person in their language. The
//! server's own message is a detail in English for other systems; pages lead with these.

use crate::api::ErrorCode;

words! {
    impl ErrorCode {
        BadRequest => ("Yêu cầu gửi lên không hợp lệ.", "The request was not valid."),
        Invalid => (
            "Dữ liệu nhập chưa hợp lệ, hãy kiểm tra lại.",
            "Some of what was entered is not valid; check it.",
        ),
        UnsupportedMediaType => (
            "Loại tệp này không được nhận.",
            "This kind of file is not accepted.",
        ),
        TooLarge => ("Tệp hoặc nội dung gửi lên quá lớn.", "The file or text sent is too large."),
        Unauthorized => (
            "Phiên đăng nhập đã hết, hãy đăng nhập lại.",
            "The session has ended; sign in again.",
        ),
        WrongCredentials => ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
        Forbidden => (
            "Tài khoản này không có quyền làm việc này.",
            "This account may not do that.",
        ),
        NotFound => (
            "Không tìm thấy dữ liệu được yêu cầu, hoặc tài khoản không theo dõi đơn vị này.",
            "What was asked for was not found, or this account does not follow that unit.",
        ),
        Conflict => (
            "Trùng với dữ liệu đã có (ví dụ: tên đăng nhập đã được dùng).",
            "This clashes with what exists (for example, the username is taken).",
        ),
        CrossOrigin => (
            "Yêu cầu phải được gửi từ trang của hệ thống.",
            "The request must come from a page of this site.",
        ),
        TooManyAttempts => (
            "Đăng nhập sai quá nhiều lần. Hãy thử lại sau ít phút.",
            "Too many failed sign-ins. Try again in a few minutes.",
        ),
        TooManyStreams => (
            "Đang mở quá nhiều trang theo dõi trực tiếp. Hãy đóng bớt rồi thử lại.",
            "Too many live views are open. Close some and try again.",
        ),
        PasswordChangeRequired => (
            "Hãy đổi mật khẩu trước khi tiếp tục.",
            "Change your password before going on.",
        ),
        Unfinished => (
            "Danh mục còn mục chưa xong; hãy xác nhận là vẫn muốn ký xác nhận.",
            "The checklist has items not done; confirm that you sign off all the same.",
        ),
        PhotoLimit => (
            "Đã đủ số ảnh cho phép: mỗi mục tối đa 10 ảnh, mỗi đơn vị tối đa 100 ảnh một ngày (ảnh còn lại sẽ gửi vào ngày mai).",
            "Enough photos: at most 10 per item and 100 per unit a day (the rest are sent tomorrow).",
        ),
        WeakPassword => (
            "Mật khẩu mới cần ít nhất 12 ký tự, không phải mật khẩu phổ biến và không lặp một vài ký tự.",
            "The new password needs at least 12 characters, must not be a widely used one, and must not repeat a few characters.",
        ),
        InvalidRows => (
            "Một số dòng có lỗi; chưa có gì được nhập.",
            "Some rows have errors; nothing was imported.",
        ),
        InvalidDirective => (
            "Văn bản còn lỗi; chưa có gì được ban hành.",
            "The directive has problems; nothing was published.",
        ),
        Busy => (
            "Máy chủ đang bận, hãy thử lại sau ít giây.",
            "The server is busy; try again in a few seconds.",
        ),
        StillWriting => (
            "Văn bản đã được lưu; danh mục việc của các đơn vị đang được ghi tiếp và sẽ tự hoàn tất. Không cần ban hành lại.",
            "The directive is saved; its units' checklists are still being written and will be completed by the server. Do not publish it again.",
        ),
        Internal => (
            "Máy chủ gặp lỗi khi xử lý yêu cầu.",
            "The server could not finish this request.",
        ),
    }
}
