# Browser suite: the licence inquiry in Debian's headless Chromium,
# driven by playwright-core (tools/browser/, installed with `npm ci`
# there). Without chromium, node or playwright-core the test says
# Skipped (tests/lib/skip.sh; a failure under CI=true).
find_program(TS_NODE node)
find_program(TS_CHROMIUM chromium PATHS /usr/bin NO_DEFAULT_PATH)
if(TARGET tearsheet AND TARGET standin)
  set(ts_playwright ${CMAKE_SOURCE_DIR}/tools/browser/node_modules/playwright-core/package.json)
  if(TS_NODE AND TS_CHROMIUM AND EXISTS ${ts_playwright})
    add_test(NAME browser_license_flow
             COMMAND ${TS_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/browser/license_flow.mjs
                     $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR})
    set_tests_properties(browser_license_flow PROPERTIES TIMEOUT 300)
  else()
    set(ts_why "needs node, /usr/bin/chromium and playwright-core (npm ci in tools/browser)")
    message(STATUS "browser_license_flow skipped: ${ts_why}")
    add_test(NAME browser_license_flow
             COMMAND bash -c ". ${CMAKE_CURRENT_SOURCE_DIR}/lib/skip.sh && ts_skip '${ts_why}'")
  endif()
endif()
# A Chromium test script of tests/browser/ run with the binary, the
# stand-in photo maker and the source folder; without node a skip (77,
# a failure under CI=true, tests/lib/skip.sh); the script itself says
# Skipped for a missing chromium, playwright-core or axe-core.
function(ts_browser_test name script timeout)
  if(TS_NODE)
    add_test(NAME ${name}
             COMMAND ${TS_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/browser/${script}
                     $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR})
  else()
    add_test(NAME ${name}
             COMMAND bash -c ". ${CMAKE_CURRENT_SOURCE_DIR}/lib/skip.sh && ts_skip '${name} needs node'")
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${timeout} SKIP_RETURN_CODE 77)
endfunction()
# Accessibility gate (issue 12): axe-core in Chromium on every page type
# of the example site, light and dark. A missing prerequisite (node,
# chromium, playwright-core or axe-core) is a skip (77), a failure under
# CI=true; the script says which.
if(TARGET tearsheet AND TARGET standin)
  ts_browser_test(browser_axe_pages axe_pages.mjs 600)
endif()
# serve --watch (issue 13): an edit reaches the open page, a broken
# front matter shows its error over it and the fix clears it; nothing
# of the watch without --watch or in the built files; axe-core on the
# overlay. A missing prerequisite is a skip (77), a failure under CI=true.
if(TARGET tearsheet AND TARGET standin)
  ts_browser_test(browser_serve_watch serve_watch.mjs 400)
endif()
# Photos at the sizes they have and the full-screen viewer (issue 13):
# box sizes at three viewports, the viewer by keyboard and by touch, axe
# with it open (tests/browser/viewer.mjs). viewer_corpus adds the small
# originals of the shared corpus (ExifTool's 120 px GPS sample, a 10 px
# folio JPEG); without ../shared it says Skipped.
if(TARGET tearsheet AND TARGET standin)
  if(TS_NODE)
    add_test(NAME browser_viewer
             COMMAND ${TS_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/browser/viewer.mjs
                     $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR})
    add_test(NAME browser_viewer_corpus
             COMMAND ${TS_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/browser/viewer.mjs
                     $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR}
                     --corpus ${TS_SHARED_DIR}/corpus/metadata)
  else()
    foreach(t browser_viewer browser_viewer_corpus)
      add_test(NAME ${t}
               COMMAND bash -c ". ${CMAKE_CURRENT_SOURCE_DIR}/lib/skip.sh && ts_skip 'needs node'")
    endforeach()
  endif()
  set_tests_properties(browser_viewer browser_viewer_corpus PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
endif()
# The Korean pages of the example site (issue 13): captions from the
# photos' ko Lang Alt, hreflang, the switcher, Hangul drawn by a font
# that has it, axe-core (tests/browser/languages.mjs, sharing
# example_site.mjs with axe_pages).
if(TARGET tearsheet AND TARGET standin)
  ts_browser_test(browser_languages languages.mjs 600)
endif()
# The Content Credentials pin (issue 14): the "cr" mark over each signed
# photo's top right corner at 1280×800 and 390×844, opened by keyboard,
# its signer/software/date equal to `tearsheet verify --json`'s, axe with
# it open (light, dark), not the viewer, no CSP violation, no pin
# without credentials (tests/browser/credentials_pin.mjs).
if(TARGET tearsheet AND TARGET standin)
  ts_browser_test(browser_credentials_pin credentials_pin.mjs 600)
endif()
