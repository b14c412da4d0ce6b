// Status and Result: how user-input errors travel. Messages use PyTorch's exact words where
// PyTorch has them; `hint` carries convplay's own explanation or suggested fix.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cp {

struct Status {
    bool ok = true;
    std::string message;  // PyTorch's words when PyTorch has them
    std::string hint;     // our explanation (may be empty)

    static Status success() { return {}; }
    static Status error(std::string msg, std::string hint = {}) {
        return Status{false, std::move(msg), std::move(hint)};
    }
    explicit operator bool() const { return ok; }
};

// A value or an error Status (a small std::expected).
template <class T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Status error) : v_(std::move(error)) {}
    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<T>(v_); }
    const T& value() const { return std::get<T>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Status& status() const {
        static const Status good;
        return ok() ? good : std::get<Status>(v_);
    }

private:
    std::variant<T, Status> v_;
};

}  // namespace cp
