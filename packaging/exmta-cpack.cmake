# exmta-cpack.cmake - Debian package and tarball of the plugin (CPack).
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Included from the top-level CMakeLists.txt (after the exmta target):
#   include(packaging/exmta-cpack.cmake)
# Then, in the build folder:
#   cpack -G DEB    # exmta_<ver>_wireshark<maj.min>_<release>_<arch>.deb
#   cpack -G TGZ    # exmta_<ver>_wireshark<maj.min>_<release>_<arch>.tar.gz
#
# The .deb puts exmta.so into the global plugin folder of the distribution's
# Wireshark (Wireshark_PLUGIN_INSTALL_DIR/epan) and depends on the libwireshark
# runtime package that owns the libwireshark.so this build linked against
# (dpkg -S at configure time: libwireshark16 on bookworm, libwireshark18 on
# trixie, ...), restricted to the same major.minor (the plugin ABI).
# The tarball holds exmta.so, README.md and install-personal.sh (personal
# plugin folder) plus WIRESHARK_VERSION, which the script checks.
# Only the components "deb" and "tgz" defined here are packaged: the
# developer install() rule (personal folder, no component) is left out.

# EXMTA_WS_MINOR ("4.0", "4.4", "4.6") is set by the top-level CMakeLists.txt.
set(_exmta_ws_mm "${EXMTA_WS_MINOR}")
string(REPLACE "." ";" _exmta_ws_parts "${_exmta_ws_mm}")
list(GET _exmta_ws_parts 0 _exmta_ws_major)
list(GET _exmta_ws_parts 1 _exmta_ws_minor)

# --- Debian release (bookworm, trixie, sid) and architecture ---
set(EXMTA_DEB_RELEASE "" CACHE STRING "Debian release in package names (default: from /etc/os-release)")
if(NOT EXMTA_DEB_RELEASE)
  set(_rel "unknown")
  if(EXISTS /etc/os-release)
    file(STRINGS /etc/os-release _osr)
    foreach(_l IN LISTS _osr)
      if(_l MATCHES "^VERSION_CODENAME=\"?([A-Za-z0-9]+)\"?$")
        set(_rel "${CMAKE_MATCH_1}")
      endif()
    endforeach()
    foreach(_l IN LISTS _osr)
      if(_l MATCHES "^PRETTY_NAME=.*/sid")     # unstable names the next release
        set(_rel "sid")
      endif()
    endforeach()
  endif()
  set(EXMTA_DEB_RELEASE "${_rel}")
endif()

find_program(EXMTA_DPKG dpkg)
find_program(EXMTA_DPKG_QUERY dpkg-query)
set(_arch "${CMAKE_SYSTEM_PROCESSOR}")
if(EXMTA_DPKG)
  execute_process(COMMAND ${EXMTA_DPKG} --print-architecture
    OUTPUT_VARIABLE _arch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()

# --- the runtime libwireshark package of this build ---
set(EXMTA_DEB_LIBWIRESHARK "" CACHE STRING "Debian package of libwireshark (default: dpkg -S of the linked library)")
if(NOT EXMTA_DEB_LIBWIRESHARK AND EXMTA_DPKG)
  get_filename_component(_ws_real "${Wireshark_LIB_DIR}/libwireshark.so" REALPATH)
  execute_process(COMMAND ${EXMTA_DPKG} -S "${_ws_real}"
    OUTPUT_VARIABLE _owner OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND _owner MATCHES "^([a-z0-9.+-]+)(:[a-z0-9]+)?: ")
    set(EXMTA_DEB_LIBWIRESHARK "${CMAKE_MATCH_1}")
  endif()
endif()
if(NOT EXMTA_DEB_LIBWIRESHARK)
  message(WARNING "exmta: the Debian package of libwireshark was not found (dpkg -S); "
    "the .deb will depend on libwireshark-data only")
endif()
set(_ws_pkg_version "")
if(EXMTA_DEB_LIBWIRESHARK AND EXMTA_DPKG_QUERY)
  execute_process(COMMAND ${EXMTA_DPKG_QUERY} -W -f=\${Version} ${EXMTA_DEB_LIBWIRESHARK}
    OUTPUT_VARIABLE _ws_pkg_version OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
math(EXPR _ws_next_minor "${_exmta_ws_minor} + 1")
if(EXMTA_DEB_LIBWIRESHARK)
  set(EXMTA_DEB_DEPENDS
    "${EXMTA_DEB_LIBWIRESHARK} (>= ${_exmta_ws_mm}.0), ${EXMTA_DEB_LIBWIRESHARK} (<< ${_exmta_ws_major}.${_ws_next_minor}~)")
else()
  set(EXMTA_DEB_DEPENDS "libwireshark-data (>= ${_exmta_ws_mm}.0), libwireshark-data (<< ${_exmta_ws_major}.${_ws_next_minor}~)")
endif()
message(STATUS "exmta: packages for Wireshark ${_exmta_ws_mm} on ${EXMTA_DEB_RELEASE}/${_arch}; "
  "Depends: ${EXMTA_DEB_DEPENDS} (installed: ${_ws_pkg_version})")

# --- what goes into each package ---
# deb: the global plugin folder, relative to the /usr prefix of the package
string(REGEX REPLACE "^/usr/" "" _global_rel "${Wireshark_PLUGIN_INSTALL_DIR}/epan")
install(TARGETS exmta LIBRARY DESTINATION "${_global_rel}" COMPONENT deb NAMELINK_SKIP EXCLUDE_FROM_ALL)
# tgz: flat
file(WRITE "${CMAKE_BINARY_DIR}/packaging/WIRESHARK_VERSION" "${_exmta_ws_mm}\n")
install(TARGETS exmta LIBRARY DESTINATION . COMPONENT tgz NAMELINK_SKIP EXCLUDE_FROM_ALL)
install(FILES "${CMAKE_CURRENT_LIST_DIR}/../README.md" "${CMAKE_BINARY_DIR}/packaging/WIRESHARK_VERSION"
  DESTINATION . COMPONENT tgz EXCLUDE_FROM_ALL)
install(PROGRAMS "${CMAKE_CURRENT_LIST_DIR}/install-personal.sh" DESTINATION . COMPONENT tgz EXCLUDE_FROM_ALL)
# the file-set tool travels with the plugin: the module tools/exmta_fileset.py,
# which runs as the command, installed under the command's name
install(PROGRAMS "${CMAKE_CURRENT_LIST_DIR}/../tools/exmta_fileset.py" DESTINATION bin RENAME exmta-fileset
  COMPONENT deb EXCLUDE_FROM_ALL)
install(PROGRAMS "${CMAKE_CURRENT_LIST_DIR}/../tools/exmta_fileset.py" DESTINATION . RENAME exmta-fileset
  COMPONENT tgz EXCLUDE_FROM_ALL)

# --- CPack ---
set(CPACK_PACKAGE_NAME "exmta")
set(CPACK_PACKAGE_VENDOR "exmta")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Exchange MTA (RFC1006 / X.400 / EPM) plugin for Wireshark ${_exmta_ws_mm}")
set(CPACK_PACKAGE_DESCRIPTION "exmta finds X.400 over RFC1006 on any port, learns Exchange MTA RPC endpoints from the endpoint mapper, and summarises MTA endpoints (tshark -z exmta,endpoints; Statistics > Exchange MTA Endpoints).")
set(CPACK_PACKAGE_CONTACT "exmta maintainers <maintainers@users.noreply.example>")
set(CPACK_RESOURCE_FILE_README "${CMAKE_CURRENT_LIST_DIR}/../README.md")
set(CPACK_PACKAGE_FILE_NAME "exmta_${PROJECT_VERSION}_wireshark${_exmta_ws_mm}_${EXMTA_DEB_RELEASE}_${_arch}")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_GENERATOR "")

set(CPACK_DEBIAN_PACKAGE_NAME "exmta")
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${_arch}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${EXMTA_DEB_DEPENDS}")
# what /usr/bin/exmta-fileset runs (it names whichever is missing); the
# plugin itself needs none of them
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark, python3, python3-pcapy, parallel")
set(CPACK_DEBIAN_PACKAGE_ENHANCES "wireshark, tshark")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEBIAN_PACKAGE_RELEASE "")

# Per generator (read by cpack): which component, which prefix.
set(EXMTA_CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_FILE_NAME}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/cpack-generator.cmake.in"
  "${CMAKE_BINARY_DIR}/packaging/cpack-generator.cmake" @ONLY)
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_BINARY_DIR}/packaging/cpack-generator.cmake")
# Component packaging, so that only our components are packaged; each
# generator packages one (cpack-generator.cmake) under the plain file name.
set(CPACK_COMPONENTS_ALL deb tgz)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_DEB_PACKAGE_NAME "exmta")
set(CPACK_DEBIAN_DEB_FILE_NAME "${CPACK_PACKAGE_FILE_NAME}.deb")
set(CPACK_ARCHIVE_TGZ_FILE_NAME "${CPACK_PACKAGE_FILE_NAME}")

include(CPack)
