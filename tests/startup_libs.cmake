# What a command maps at start (tests/startup_libs.sh): `tearsheet
# build` loads neither libcurl nor libpq, which only verify --fetch,
# time-stamping and a PostgreSQL store open (base's dynlib.c).
if(TARGET tearsheet)
  add_test(NAME startup_libs
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/startup_libs.sh $<TARGET_FILE:tearsheet> ${CMAKE_SOURCE_DIR})
endif()
