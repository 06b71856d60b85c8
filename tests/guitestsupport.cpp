// Carries the GUI tests' precompiled header (tests/CMakeLists.txt): each GUI test reuses it.
// Nothing else lives here yet; helpers shared by GUI tests belong in this library.
namespace cachescope::test {
[[maybe_unused]] static constexpr int guiTestSupport = 0;
} // namespace cachescope::test
