# What a command maps at start (tests/startup_libs.sh): `tearsheet
# build` loads neither libcurl, libpq nor libmicrohttpd, which only
# verify --fetch, time-stamping, a PostgreSQL store and serve open
# (base's dynlib.c).
if(TARGET tearsheet)
  add_test(NAME startup_libs
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/startup_libs.sh $<TARGET_FILE:tearsheet> ${CMAKE_SOURCE_DIR})
endif()
