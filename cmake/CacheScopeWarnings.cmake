# Warnings and Qt hygiene for every target we compile (third-party code is never compiled here;
# Qt's headers come from imported targets, so they are system headers and raise none of these).
# -Wshadow: a local or parameter hiding another variable or a member is renamed, never silenced.
function(cachescope_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
        $<$<BOOL:${CACHESCOPE_WERROR}>:-Werror>)
    target_compile_definitions(${target} PRIVATE QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII
        QT_NO_CAST_FROM_BYTEARRAY QT_USE_QSTRINGBUILDER QT_NO_FOREACH
        QT_DISABLE_DEPRECATED_BEFORE=0x060400)
endfunction()

# cachescope_add_test(NAME SOURCES... LABELS l1 l2 [LIBS ...])
# One Qt Test executable per unit, registered with ctest.
function(cachescope_add_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LABELS;LIBS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE cachescope_core Qt6::Test ${ARG_LIBS})
    target_compile_definitions(${name} PRIVATE
        CACHESCOPE_TEST_DATA="${PROJECT_SOURCE_DIR}/tests/data"
        CACHESCOPE_CLI_PATH="$<TARGET_FILE:cachescope-cli>")
    cachescope_set_warnings(${name})
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 300
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
endfunction()
