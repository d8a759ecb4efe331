//! What a refusal from the server means, said to the person in their language. The
//! server's own message is a detail in English for other systems; pages lead with these.

use super::Words;
use crate::api::ErrorCode;

impl Words for ErrorCode {
    fn vietnamese(self) -> &'static str {
        use ErrorCode::*;
        match self {
            BadRequest => "Yêu cầu gửi lên không hợp lệ.",
            Invalid => "Dữ liệu nhập chưa hợp lệ, hãy kiểm tra lại.",
            UnsupportedMediaType => "Loại tệp này không được nhận.",
            TooLarge => "Tệp hoặc nội dung gửi lên quá lớn.",
            Unauthorized => "Phiên đăng nhập đã hết, hãy đăng nhập lại.",
            WrongCredentials => "Sai tên đăng nhập hoặc mật khẩu.",
            Forbidden => "Tài khoản này không có quyền làm việc này.",
            NotFound => "Không tìm thấy dữ liệu được yêu cầu, hoặc tài khoản không theo dõi đơn vị này.",
            Conflict => "Trùng với dữ liệu đã có (ví dụ: tên đăng nhập đã được dùng).",
            CrossOrigin => "Yêu cầu phải được gửi từ trang của hệ thống.",
            TooManyAttempts => "Đăng nhập sai quá nhiều lần. Hãy thử lại sau ít phút.",
            TooManyStreams => "Đang mở quá nhiều trang theo dõi trực tiếp. Hãy đóng bớt rồi thử lại.",
            PasswordChangeRequired => "Hãy đổi mật khẩu trước khi tiếp tục.",
            Unfinished => "Danh mục còn mục chưa xong; hãy xác nhận là vẫn muốn ký xác nhận.",
            PhotoLimit => {
                "Đã đủ số ảnh cho phép: mỗi mục tối đa 10 ảnh, mỗi đơn vị tối đa 100 ảnh một ngày (ảnh còn lại sẽ gửi vào ngày mai)."
            }
            WeakPassword => "Mật khẩu mới cần ít nhất 12 ký tự, không phải mật khẩu phổ biến và không lặp một vài ký tự.",
            InvalidRows => "Một số dòng có lỗi; chưa có gì được nhập.",
            InvalidDirective => "Văn bản còn lỗi; chưa có gì được ban hành.",
            Busy => "Máy chủ đang bận, hãy thử lại sau ít giây.",
            StillWriting => {
                "Văn bản đã được lưu; danh mục việc của các đơn vị đang được ghi tiếp và sẽ tự hoàn tất. Không cần ban hành lại."
            }
            Internal => "Máy chủ gặp lỗi khi xử lý yêu cầu.",
        }
    }

    fn english(self) -> &'static str {
        use ErrorCode::*;
        match self {
            BadRequest => "The request was not valid.",
            Invalid => "Some of what was entered is not valid; check it.",
            UnsupportedMediaType => "This kind of file is not accepted.",
            TooLarge => "The file or text sent is too large.",
            Unauthorized => "The session has ended; sign in again.",
            WrongCredentials => "Wrong username or password.",
            Forbidden => "This account may not do that.",
            NotFound => "What was asked for was not found, or this account does not follow that unit.",
            Conflict => "This clashes with what exists (for example, the username is taken).",
            CrossOrigin => "The request must come from a page of this site.",
            TooManyAttempts => "Too many failed sign-ins. Try again in a few minutes.",
            TooManyStreams => "Too many live views are open. Close some and try again.",
            PasswordChangeRequired => "Change your password before going on.",
            Unfinished => "The checklist has items not done; confirm that you sign off all the same.",
            PhotoLimit => "Enough photos: at most 10 per item and 100 per unit a day (the rest are sent tomorrow).",
            WeakPassword => "The new password needs at least 12 characters, must not be a widely used one, and must not repeat a few characters.",
            InvalidRows => "Some rows have errors; nothing was imported.",
            InvalidDirective => "The directive has problems; nothing was published.",
            Busy => "The server is busy; try again in a few seconds.",
            StillWriting => "The directive is saved; its units' checklists are still being written and will be completed by the server. Do not publish it again.",
            Internal => "The server could not finish this request.",
        }
    }
}
