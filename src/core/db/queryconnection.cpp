#include "core/db/queryconnection.h"

#include "core/db/threadconnection.h"
#include "core/db/threadstate_p.h"

using namespace Qt::Literals::StringLiterals;

namespace CacheScope {

QueryConnection::QueryConnection(QString name, bool owned)
    : m_name(std::move(name))
    , m_owned(owned)
{
}

Result<QueryConnection> QueryConnection::acquire(const ConnectionSettings &settings, quint64 runId)
{
    if (settings.connectionMode == ConnectionMode::PerThread) {
        Result<QSqlDatabase> db = threadConnection(settings, runId);
        if (!db)
            return db.error();
        return QueryConnection(db->connectionName(), false);
    }
    const QString name = u"cachescope-r%1-t%2-q%3"_s.arg(runId)
                             .arg(Detail::threadSerial())
                             .arg(Detail::nextQuerySerial());
    Result<QSqlDatabase> db = openConnection(settings, name);
    if (!db)
        return db.error();
    return QueryConnection(name, true);
}

QueryConnection::QueryConnection(QueryConnection &&other) noexcept
    : m_name(std::exchange(other.m_name, QString()))
    , m_owned(std::exchange(other.m_owned, false))
{
}

QueryConnection &QueryConnection::operator=(QueryConnection &&other) noexcept
{
    if (this != &other) {
        if (m_owned)
            closeConnection(m_name);
        m_name = std::exchange(other.m_name, QString());
        m_owned = std::exchange(other.m_owned, false);
    }
    return *this;
}

QueryConnection::~QueryConnection()
{
    if (m_owned)
        closeConnection(m_name);
}

QSqlDatabase QueryConnection::database() const { return QSqlDatabase::database(m_name, false); }

} // namespace CacheScope
