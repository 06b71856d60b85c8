#pragma once

/// Registers resources/cachescope.qrc. The .qrc is compiled into the static library
/// cachescope_gui_private, whose unreferenced resource object the linker would drop, so the app
/// and every GUI test call this once at startup (ENVIRONMENT.md §2.3). Global namespace on
/// purpose: Q_INIT_RESOURCE declares an extern function and must not sit in a namespace.
void initCacheScopeResources();
