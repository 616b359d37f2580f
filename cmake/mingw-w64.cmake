# cmake/mingw-w64.cmake: toolchain file for cross-building mapscope-agent.exe
# with Debian's mingw-w64 (x86_64-w64-mingw32-gcc, win32 threads).
#
#   cmake -S real/agent -B build-agent -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake
#
# The top-level build does this itself through an ExternalProject in
# real/CMakeLists.txt; use this file directly only to build the agent alone.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(MINGW_PREFIX x86_64-w64-mingw32 CACHE STRING "mingw-w64 triplet")
set(CMAKE_C_COMPILER ${MINGW_PREFIX}-gcc)
set(CMAKE_RC_COMPILER ${MINGW_PREFIX}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
