#pragma once

// Moved to core (the run session prepares the demo database with it); kept for the GUI's users.
#include "core/session/queuedcontinuation.h"
