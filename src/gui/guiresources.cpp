#include "guiresources.h"

#include <QtGlobal>

void initCacheScopeResources() { Q_INIT_RESOURCE(cachescope); }
