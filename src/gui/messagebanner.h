#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace CacheScope {

/// A non-modal message strip above the charts (errors, warnings): it never blocks the window
/// or the run, stays until closed or replaced, and counts how often it was shown.
class MessageBanner : public QFrame
{
    Q_OBJECT

public:
    enum class Kind { Information, Error };

    explicit MessageBanner(QWidget *parent = nullptr);

    void showMessage(Kind kind, const QString &text);
    QString text() const;
    Kind kind() const { return m_kind; }
    int shownCount() const { return m_shown; }

private:
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QToolButton *m_close = nullptr;
    Kind m_kind = Kind::Information;
    int m_shown = 0;
};

} // namespace CacheScope
